import { createHash } from "node:crypto";

/**
 * Telegram's 2048-bit safe prime, used for both the DH key exchange and SRP. GramJS's `Password.js`
 * `checkPrimeAndGood` accepts only these exact bytes, so it must not be swapped for another prime.
 */
export const TELEGRAM_PRIME_BYTES: Buffer = Buffer.from(
  "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db" +
    "fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64" +
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41" +
    "0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4" +
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf" +
    "6f4fadf034b10403119cd8e3b92fcc5b",
  "hex",
);

/** The same prime as a bigint. */
export const TELEGRAM_PRIME: bigint = bigFromBE(TELEGRAM_PRIME_BYTES);

/** Reads unsigned big-endian bytes. */
export function bigFromBE(buf: Buffer): bigint {
  return buf.length === 0 ? 0n : BigInt(`0x${buf.toString("hex")}`);
}

/**
 * Writes `n` (non-negative) big-endian. With `length`, left-pads with zeros (and throws if it does not fit);
 * without it, writes the minimal form with no leading zero bytes, as GramJS's `getByteArray` does.
 */
export function beFromBig(n: bigint, length?: number): Buffer {
  if (n < 0n) throw new RangeError("negative value");
  let hex = n === 0n ? "" : n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, "hex");
  if (length === undefined) return raw;
  if (raw.length > length) throw new RangeError(`value needs ${raw.length} bytes, ${length} allowed`);
  return Buffer.concat([Buffer.alloc(length - raw.length), raw]);
}

/** base^exp mod m by square-and-multiply (native bigint; fast enough for 2048-bit operands). */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = ((base % m) + m) % m;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** SHA-1 over the concatenation of `parts`. */
export function sha1(...parts: Buffer[]): Buffer {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest();
}

/** SHA-256 over the concatenation of `parts`. */
export function sha256(...parts: Buffer[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * An auth key in the form GramJS keeps it: big-endian with leading zero bytes stripped (about 1 in 256
 * keys is 255 bytes long). Keys must be stored this way or those sessions fail the msg_key check.
 */
export function minimalKey(key: Buffer): Buffer {
  let i = 0;
  while (i < key.length - 1 && key[i] === 0) i++;
  return key.subarray(i);
}

/**
 * auth_key_id = SHA1(key)[12:20] read as an unsigned little-endian int64, as a decimal string
 * (the same text as GramJS's `authKey.keyId.toString()`).
 */
export function authKeyIdOf(key: Buffer): string {
  return sha1(minimalKey(key)).readBigUInt64LE(12).toString();
}
