import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { BlobCorruptError } from "../error.js";

/**
 * Envelope encryption for blobs at rest (DESIGN §8).
 *
 * Each blob gets a fresh 256-bit data key; the data key is wrapped with the master key.
 * Both layers are AES-256-GCM with random 96-bit nonces and the blob's identity as
 * associated data, so a blob copied under another key (another tenant, session or
 * generation) fails to authenticate instead of being read as someone else's state.
 *
 * Layout: MAGIC(4) | wrapNonce(12) | wrappedKey(32) | wrapTag(16) | nonce(12) | ciphertext | tag(16)
 */
const MAGIC = Buffer.from("SVB1", "ascii");
const NONCE = 12;
const TAG = 16;
const KEY = 32;
const HEADER = MAGIC.length + NONCE + KEY + TAG + NONCE;

/** Smallest possible sealed blob (empty plaintext). */
export const SEALED_OVERHEAD: number = HEADER + TAG;

/** Encrypts `plaintext` for `identity` under `masterKey` (32 bytes). */
export function seal(masterKey: Uint8Array, identity: string, plaintext: Uint8Array): Uint8Array {
  assertKey(masterKey);
  const aad = associatedData(identity);
  const dataKey = randomBytes(KEY);
  const wrapNonce = randomBytes(NONCE);
  const wrap = createCipheriv("aes-256-gcm", masterKey, wrapNonce).setAAD(aad);
  const wrappedKey = Buffer.concat([wrap.update(dataKey), wrap.final()]);
  const wrapTag = wrap.getAuthTag();
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", dataKey, nonce).setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([MAGIC, wrapNonce, wrappedKey, wrapTag, nonce, body, cipher.getAuthTag()]);
}

/**
 * Decrypts a blob sealed by `seal` for the same identity.
 * Throws `BlobCorruptError` naming `identity` when the bytes are short, carry no header,
 * or fail authentication (flipped bit, wrong identity, wrong master key).
 */
export function open(masterKey: Uint8Array, identity: string, sealed: Uint8Array): Uint8Array {
  assertKey(masterKey);
  const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (buf.length < SEALED_OVERHEAD) throw new BlobCorruptError(identity, "truncated");
  if (!buf.subarray(0, MAGIC.length).equals(MAGIC)) throw new BlobCorruptError(identity, "bad_header");
  const aad = associatedData(identity);
  let at = MAGIC.length;
  const take = (n: number): Buffer => {
    const part = buf.subarray(at, at + n);
    at += n;
    return part;
  };
  const wrapNonce = take(NONCE);
  const wrappedKey = take(KEY);
  const wrapTag = take(TAG);
  const nonce = take(NONCE);
  const body = buf.subarray(at, buf.length - TAG);
  const tag = buf.subarray(buf.length - TAG);
  try {
    const unwrap = createDecipheriv("aes-256-gcm", masterKey, wrapNonce).setAAD(aad);
    unwrap.setAuthTag(wrapTag);
    const dataKey = Buffer.concat([unwrap.update(wrappedKey), unwrap.final()]);
    const decipher = createDecipheriv("aes-256-gcm", dataKey, nonce).setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new BlobCorruptError(identity, "auth_failed", cause);
  }
}

// --- Internal helpers ---

function associatedData(identity: string): Buffer {
  return Buffer.from(`sessionvault/blob/v1\0${identity}`, "utf8");
}

function assertKey(key: Uint8Array): void {
  if (key.byteLength !== KEY) throw new RangeError(`master key must be ${KEY} bytes, got ${key.byteLength}`);
}
