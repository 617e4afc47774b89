import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
} from "node:crypto";
import { serializeBytes } from "telegram/tl/generationHelpers.js";
import { beFromBig, bigFromBE, sha1 } from "./crypto-utils.js";

/** The peer's own RSA key, standing in for Telegram's server keys during the DH exchange. */
export interface PeerRsaKey {
  readonly privateKey: KeyObject;
  readonly n: bigint;
  readonly e: number;
  /** Signed int64, as GramJS reads it and keys `_serverKeys` by its decimal text. */
  readonly fingerprint: bigint;
  /** The public key as one line: base64 of its SPKI DER (a PEM body without headers or line breaks). */
  readonly publicKeyLine: string;
}

/** Generates a fresh 2048-bit key, or loads one from `privateKeyPem` so a restarted peer keeps it. */
export function createPeerRsaKey(privateKeyPem?: string): PeerRsaKey {
  const privateKey = privateKeyPem
    ? createPrivateKey(privateKeyPem)
    : generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const jwk = publicKey.export({ format: "jwk" });
  if (!jwk.n || !jwk.e) throw new Error("not an RSA key");
  const n = bigFromBE(Buffer.from(jwk.n, "base64url"));
  const e = Number(bigFromBE(Buffer.from(jwk.e, "base64url")));
  if (beFromBig(n).length !== 256)
    throw new Error("the peer's RSA key must be 2048 bits (RSA_PAD needs 256 bytes)");
  return {
    privateKey,
    n,
    e,
    fingerprint: rsaFingerprint(n, e),
    publicKeyLine: publicKey.export({ format: "der", type: "spki" }).toString("base64"),
  };
}

/**
 * Telegram's key fingerprint: the last 8 bytes of SHA1(TL-bytes(n) ‖ TL-bytes(e)), both big-endian,
 * read as a signed little-endian int64.
 */
export function rsaFingerprint(n: bigint, e: number): bigint {
  const digest = sha1(serializeBytes(beFromBig(n)), serializeBytes(beFromBig(BigInt(e))));
  return digest.readBigInt64LE(12);
}

/** Raw RSA (c^d mod n, no padding), as RSA_PAD needs; 256 bytes big-endian. */
export function rsaDecryptRaw(key: PeerRsaKey, data: Buffer): Buffer {
  return privateDecrypt({ key: key.privateKey, padding: constants.RSA_NO_PADDING }, data);
}

/** n, e and fingerprint of a key published as `publicKeyLine` (for test clients that trust the peer). */
export function publicKeyFromLine(line: string): { n: bigint; e: number; fingerprint: bigint } {
  const jwk = createPublicKey({ key: Buffer.from(line, "base64"), format: "der", type: "spki" }).export({
    format: "jwk",
  });
  if (!jwk.n || !jwk.e) throw new Error("not an RSA key");
  const n = bigFromBE(Buffer.from(jwk.n, "base64url"));
  const e = Number(bigFromBE(Buffer.from(jwk.e, "base64url")));
  return { n, e, fingerprint: rsaFingerprint(n, e) };
}
