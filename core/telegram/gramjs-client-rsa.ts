import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { returnBigInt } from "telegram/Helpers.js";
import { serializeBytes } from "telegram/tl/generationHelpers.js";
import { TelegramConfigError } from "./errors.js";

/** An RSA public key GramJS may use for the DH exchange, keyed as `_serverKeys` keys it. */
export interface TrustedRsaKey {
  /** Signed int64 as decimal text, GramJS's map key. */
  fingerprint: string;
  n: bigint;
  e: number;
}

/**
 * Parses a one-line RSA public key: base64 of SPKI or PKCS#1 DER (a PEM body without headers or line
 * breaks), or a whole PEM (with real or `\n`-escaped line breaks). Throws `TelegramConfigError`.
 */
export function parseTrustedRsaKey(text: string, setting = "trustRsaKey"): TrustedRsaKey {
  const key = toKeyObject(text.trim(), setting);
  const jwk = key.export({ format: "jwk" });
  if (key.asymmetricKeyType !== "rsa" || !jwk.n || !jwk.e)
    throw new TelegramConfigError(setting, "not an RSA key");
  const nBytes = Buffer.from(jwk.n, "base64url");
  const eBytes = Buffer.from(jwk.e, "base64url");
  const n = BigInt(`0x${nBytes.toString("hex")}`);
  const e = Number(BigInt(`0x${eBytes.toString("hex")}`));
  return { fingerprint: telegramRsaFingerprint(nBytes, eBytes), n, e };
}

/**
 * Telegram's fingerprint of an RSA key: the last 8 bytes of SHA1(TL-bytes(n) ‖ TL-bytes(e)) (both
 * minimal big-endian), read as a signed little-endian int64, as decimal text.
 */
export function telegramRsaFingerprint(nBigEndian: Buffer, eBigEndian: Buffer): string {
  const digest = createHash("sha1")
    .update(serializeBytes(stripZeros(nBigEndian)))
    .update(serializeBytes(stripZeros(eBigEndian)))
    .digest();
  return digest.readBigInt64LE(12).toString();
}

/**
 * Adds `key` to GramJS's process-wide `_serverKeys`, so a DH exchange may be encrypted to it. Test-only:
 * whoever holds the private key can read every new auth key. Idempotent.
 */
export function trustRsaKey(key: TrustedRsaKey): void {
  _serverKeys.set(key.fingerprint, { n: returnBigInt(key.n), e: key.e });
}

// --- Internal helpers ---

function toKeyObject(text: string, setting: string): KeyObject {
  try {
    if (text.includes("-----BEGIN")) return createPublicKey(text.replace(/\\n/g, "\n"));
    const der = Buffer.from(text, "base64");
    try {
      return createPublicKey({ key: der, format: "der", type: "spki" });
    } catch {
      return createPublicKey({ key: der, format: "der", type: "pkcs1" });
    }
  } catch (err) {
    throw new TelegramConfigError(setting, `cannot parse the RSA public key (${(err as Error).message})`);
  }
}

function stripZeros(buf: Buffer): Buffer {
  let i = 0;
  while (i < buf.length - 1 && buf[i] === 0) i++;
  return buf.subarray(i);
}
