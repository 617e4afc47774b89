/**
 * The phone's side of pairing by code ("link with phone number"), mirroring Baileys'
 * `requestPairingCode` (companion_hello) and its `link_code_companion_reg` notification handler
 * (companion_finish). The 8-character code never crosses the wire: both sides wrap their
 * ephemeral public keys with AES-256-CTR under PBKDF2-SHA256(code, salt, 131072 rounds), so a
 * phone that types the wrong code derives other keys and cannot open the companion's key bundle.
 */
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { Curve } from "@whiskeysockets/baileys";
import type { KeyPair } from "./noise.js";

/** Unwraps salt(32) ‖ iv(16) ‖ CTR(32-byte key) with `code`. Any code "works"; a wrong one yields garbage. */
export async function unwrapEphemeral(code: string, wrapped: Uint8Array): Promise<Buffer> {
  if (wrapped.length !== 80) throw new Error(`wrapped ephemeral key is ${wrapped.length} bytes, expected 80`);
  const key = await deriveCodeKey(code, wrapped.subarray(0, 32));
  const decipher = createDecipheriv("aes-256-ctr", key, wrapped.subarray(32, 48));
  return Buffer.concat([decipher.update(wrapped.subarray(48, 80)), decipher.final()]);
}

/** Wraps a 32-byte public key with `code` the way the companion unwraps it. */
export async function wrapEphemeral(code: string, publicKey: Uint8Array): Promise<Buffer> {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-ctr", await deriveCodeKey(code, salt), iv);
  return Buffer.concat([salt, iv, cipher.update(publicKey), cipher.final()]);
}

/** The companion's key bundle, once opened. */
export interface KeyBundle {
  companionIdentityKey: Buffer;
  primaryIdentityKey: Buffer;
  random: Buffer;
}

/**
 * Opens the companion's `link_code_pairing_wrapped_key_bundle` (salt(32) ‖ iv(12) ‖ AES-GCM),
 * keyed by HKDF(DH(primary ephemeral, companion ephemeral)). Throws when the tag does not
 * verify: the two sides did not use the same code.
 */
export function openKeyBundle(opts: {
  primaryEphemeral: KeyPair;
  companionEphemeralPublic: Buffer;
  wrappedBundle: Uint8Array;
}): { bundle: KeyBundle; sharedKey: Buffer } {
  const sharedKey = Curve.sharedKey(opts.primaryEphemeral.private, opts.companionEphemeralPublic);
  const salt = opts.wrappedBundle.subarray(0, 32);
  const iv = opts.wrappedBundle.subarray(32, 44);
  const body = opts.wrappedBundle.subarray(44);
  const key = hkdf(sharedKey, salt, "link_code_pairing_key_bundle_encryption_key");
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAuthTag(body.subarray(body.length - 16));
  const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
  if (plain.length !== 96) throw new Error(`key bundle is ${plain.length} bytes, expected 96`);
  return {
    sharedKey,
    bundle: {
      companionIdentityKey: plain.subarray(0, 32),
      primaryIdentityKey: plain.subarray(32, 64),
      random: plain.subarray(64, 96),
    },
  };
}

/**
 * The ADV secret both sides derive: HKDF(ephemeral DH ‖ DH(primary identity, companion
 * identity) ‖ bundle random, info "adv_secret"). It keys the `pair-success` HMAC, as the QR's
 * ADV secret does in the QR path.
 */
export function deriveAdvSecret(opts: {
  sharedKey: Buffer;
  primaryIdentity: KeyPair;
  bundle: KeyBundle;
}): Buffer {
  const identityShared = Curve.sharedKey(opts.primaryIdentity.private, opts.bundle.companionIdentityKey);
  return hkdf(
    Buffer.concat([opts.sharedKey, identityShared, opts.bundle.random]),
    Buffer.alloc(0),
    "adv_secret",
  );
}

// --- Internal helpers ---

/** Baileys' `derivePairingCodeKey`: PBKDF2-SHA256, `2 << 16` rounds, 32 bytes. */
const PBKDF2_ROUNDS = 2 << 16;
const pbkdf2Async = promisify(pbkdf2);

function deriveCodeKey(code: string, salt: Uint8Array): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(code, "utf8"), salt, PBKDF2_ROUNDS, 32, "sha256");
}

function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from(info, "utf8"), 32));
}
