import { randomBytes, timingSafeEqual } from "node:crypto";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { computeDigest } from "telegram/Password.js";
import {
  beFromBig,
  bigFromBE,
  modPow,
  sha256,
  TELEGRAM_PRIME,
  TELEGRAM_PRIME_BYTES,
} from "./crypto-utils.js";

/** A 2FA password as the server stores it: the KDF parameters and the SRP verifier v = g^x mod p. */
export interface PasswordRecord {
  algo: Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;
  v: bigint;
  hint: string | undefined;
}

/** One SRP round, started by `account.getPassword`; the latest one per auth key wins. */
export interface SrpChallenge {
  srpId: bigint;
  b: bigint;
  B: bigint;
}

const G = 3;

/** Derives the verifier for `password` with fresh salts (PBKDF2 with 100 000 rounds: ~100 ms). */
export async function createPasswordRecord(password: string, hint?: string): Promise<PasswordRecord> {
  const algo = new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
    salt1: randomBytes(32),
    salt2: randomBytes(16),
    g: G,
    p: TELEGRAM_PRIME_BYTES,
  });
  // GramJS's own `computeDigest` is exactly v₂₅₆ = g^x mod p, x from the two salted hashes and PBKDF2.
  const v = bigFromBE(await computeDigest(algo, password));
  return { algo, v, hint };
}

/** B = k·v + g^b mod p with a random b and srp_id. */
export function startSrp(record: PasswordRecord): SrpChallenge {
  const k = bigFromBE(sha256(TELEGRAM_PRIME_BYTES, pad256(BigInt(G))));
  const b = bigFromBE(randomBytes(256));
  const B = (k * record.v + modPow(BigInt(G), b, TELEGRAM_PRIME)) % TELEGRAM_PRIME;
  return { srpId: randomBytes(8).readBigInt64LE(), b, B };
}

/**
 * The server half of Telegram's SRP: rejects A ∉ (0, p); u = H(A‖B); S = (A·v^u)^b mod p; K = H(S);
 * M1 must equal H(H(p) ⊕ H(g) ‖ H(salt1) ‖ H(salt2) ‖ A ‖ B ‖ K).
 */
export function verifySrp(
  record: PasswordRecord,
  challenge: SrpChallenge,
  aBytes: Buffer,
  m1: Buffer,
): boolean {
  const A = bigFromBE(aBytes);
  if (A <= 0n || A >= TELEGRAM_PRIME || m1.length !== 32) return false;
  const a256 = pad256(A);
  const b256 = pad256(challenge.B);
  const u = bigFromBE(sha256(a256, b256));
  const S = modPow((A * modPow(record.v, u, TELEGRAM_PRIME)) % TELEGRAM_PRIME, challenge.b, TELEGRAM_PRIME);
  const K = sha256(pad256(S));
  const hp = sha256(TELEGRAM_PRIME_BYTES);
  const hg = sha256(pad256(BigInt(G)));
  const expected = sha256(
    Buffer.from(hp.map((byte, i) => byte ^ (hg[i] ?? 0))),
    sha256(record.algo.salt1),
    sha256(record.algo.salt2),
    a256,
    b256,
    K,
  );
  return timingSafeEqual(expected, m1);
}

/** The `account.password` answer for an account with this record and a fresh challenge. */
export function passwordAnswer(record: PasswordRecord, challenge: SrpChallenge): Api.account.Password {
  return new Api.account.Password({
    hasPassword: true,
    currentAlgo: record.algo,
    srp_B: pad256(challenge.B),
    srpId: returnBigInt(challenge.srpId),
    hint: record.hint,
    newAlgo: new Api.PasswordKdfAlgoUnknown(),
    newSecureAlgo: new Api.SecurePasswordKdfAlgoUnknown(),
    secureRandom: randomBytes(32),
  });
}

// --- Internal helpers ---

function pad256(n: bigint): Buffer {
  return beFromBig(n, 256);
}
