import { generatePrimeSync, randomBytes } from "node:crypto";
import { Api } from "telegram";
import { IGE } from "telegram/crypto/IGE.js";
import { BinaryReader } from "telegram/extensions/BinaryReader.js";
import {
  generateKeyDataFromNonce,
  readBigIntFromBuffer,
  returnBigInt,
  toSignedLittleBuffer,
} from "telegram/Helpers.js";
import {
  beFromBig,
  bigFromBE,
  minimalKey,
  modPow,
  sha1,
  sha256,
  TELEGRAM_PRIME,
  TELEGRAM_PRIME_BYTES,
} from "./crypto-utils.js";
import { type PeerRsaKey, rsaDecryptRaw } from "./rsa-key.js";

type BigInteger = ReturnType<typeof returnBigInt>;

/** The exchange was broken or tampered with; the connection should be closed (Telegram does the same). */
export class DhError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DhError";
  }
}

const G = 3;

/**
 * The server side of MTProto's auth-key exchange for one TCP connection: `req_pq_multi` →
 * `req_DH_params` (RSA_PAD with the peer's own key) → `set_client_DH_params` → `dh_gen_ok`.
 * `handle` takes a plain (unencrypted) request and returns the answer's TL bytes; it calls
 * `onAuthKey` with the new key, in minimal big-endian form, before answering `dh_gen_ok`.
 * Throws `DhError` for anything a real server would refuse.
 */
export class DhExchange {
  private step:
    | { at: "idle" }
    | { at: "pq"; nonce: BigInteger; serverNonce: BigInteger; pq: bigint }
    | { at: "dh"; nonce: BigInteger; serverNonce: BigInteger; newNonce: BigInteger; a: bigint } = {
    at: "idle",
  };

  constructor(
    private readonly rsa: PeerRsaKey,
    private readonly onAuthKey: (key: Buffer) => void,
  ) {}

  async handle(request: unknown): Promise<Buffer> {
    if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq) return this.resPq(request.nonce);
    if (request instanceof Api.ReqDHParams) return this.serverDhParams(request);
    if (request instanceof Api.SetClientDHParams) return this.dhGen(request);
    throw new DhError(`unexpected plain message ${describe(request)}`);
  }

  private resPq(nonce: BigInteger): Buffer {
    const [p, q] = twoPrimes();
    const serverNonce = readBigIntFromBuffer(randomBytes(16), true, true);
    this.step = { at: "pq", nonce, serverNonce, pq: p * q };
    return new Api.ResPQ({
      nonce,
      serverNonce,
      pq: beFromBig(p * q),
      serverPublicKeyFingerprints: [returnBigInt(this.rsa.fingerprint)],
    }).getBytes();
  }

  private async serverDhParams(req: Api.ReqDHParams): Promise<Buffer> {
    const step = this.step;
    if (step.at !== "pq" || req.nonce.neq(step.nonce) || req.serverNonce.neq(step.serverNonce)) {
      throw new DhError("req_DH_params out of order or with wrong nonces");
    }
    if (BigInt(req.publicKeyFingerprint.toString()) !== this.rsa.fingerprint) {
      throw new DhError("req_DH_params names an unknown RSA key");
    }
    const inner = unpackRsaPad(this.rsa, req.encryptedData);
    if (!(inner instanceof Api.PQInnerData || inner instanceof Api.PQInnerDataDc)) {
      throw new DhError(`unexpected inner data ${describe(inner)}`);
    }
    if (inner.nonce.neq(step.nonce) || inner.serverNonce.neq(step.serverNonce)) {
      throw new DhError("p_q_inner_data nonces do not match");
    }
    const p = bigFromBE(inner.p);
    const q = bigFromBE(inner.q);
    if (
      bigFromBE(inner.pq) !== step.pq ||
      p * q !== step.pq ||
      bigFromBE(req.p) !== p ||
      bigFromBE(req.q) !== q
    ) {
      throw new DhError("wrong factorisation of pq");
    }
    const a = bigFromBE(randomBytes(256));
    const answer = new Api.ServerDHInnerData({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      g: G,
      dhPrime: TELEGRAM_PRIME_BYTES,
      gA: beFromBig(modPow(BigInt(G), a, TELEGRAM_PRIME), 256),
      serverTime: Math.floor(Date.now() / 1000),
    }).getBytes();
    const { key, iv } = await generateKeyDataFromNonce(step.serverNonce, inner.newNonce);
    const padded = padTo16(Buffer.concat([sha1(answer), answer]));
    this.step = { at: "dh", nonce: step.nonce, serverNonce: step.serverNonce, newNonce: inner.newNonce, a };
    return new Api.ServerDHParamsOk({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      encryptedAnswer: new IGE(key, iv).encryptIge(padded),
    }).getBytes();
  }

  private async dhGen(req: Api.SetClientDHParams): Promise<Buffer> {
    const step = this.step;
    if (step.at !== "dh" || req.nonce.neq(step.nonce) || req.serverNonce.neq(step.serverNonce)) {
      throw new DhError("set_client_DH_params out of order or with wrong nonces");
    }
    if (req.encryptedData.length % 16 !== 0) throw new DhError("encrypted_data is not block-aligned");
    const { key, iv } = await generateKeyDataFromNonce(step.serverNonce, step.newNonce);
    const plain = new IGE(key, iv).decryptIge(req.encryptedData);
    const reader = new BinaryReader(plain);
    reader.read(20);
    const inner = reader.tgReadObject();
    if (!sha1(plain.subarray(20, reader.tellPosition())).equals(plain.subarray(0, 20))) {
      throw new DhError("client_DH_inner_data hash mismatch");
    }
    if (!(inner instanceof Api.ClientDHInnerData))
      throw new DhError(`unexpected inner data ${describe(inner)}`);
    if (inner.nonce.neq(step.nonce) || inner.serverNonce.neq(step.serverNonce)) {
      throw new DhError("client_DH_inner_data nonces do not match");
    }
    const gB = bigFromBE(inner.gB);
    if (gB <= 1n || gB >= TELEGRAM_PRIME - 1n) throw new DhError("g_b out of range");
    const authKey = minimalKey(beFromBig(modPow(gB, step.a, TELEGRAM_PRIME), 256));
    // new_nonce_hash1 = SHA1(new_nonce ‖ 0x01 ‖ SHA1(auth_key)[0:8])[4:20], nonces in their LE wire form.
    const auxHash = sha1(authKey).subarray(0, 8);
    const hash = sha1(toSignedLittleBuffer(step.newNonce, 32), Buffer.from([1]), auxHash).subarray(4, 20);
    this.step = { at: "idle" };
    this.onAuthKey(authKey);
    return new Api.DhGenOk({
      nonce: step.nonce,
      serverNonce: step.serverNonce,
      newNonceHash1: readBigIntFromBuffer(hash, true, true),
    }).getBytes();
  }
}

// --- Internal helpers ---

/** Two distinct primes under 2^31, smaller first; the client factors their product. */
function twoPrimes(): [bigint, bigint] {
  for (;;) {
    const p = generatePrimeSync(31, { bigint: true });
    const q = generatePrimeSync(31, { bigint: true });
    if (p !== q) return p < q ? [p, q] : [q, p];
  }
}

/**
 * RSA_PAD, server side: m = RSA⁻¹(c); temp_key = m[0:32] ⊕ SHA256(m[32:]); dwh = AES-IGE⁻¹(m[32:],
 * temp_key, 0); data = reverse(dwh[0:192]); SHA256(temp_key ‖ data) must equal dwh[192:224].
 */
function unpackRsaPad(rsa: PeerRsaKey, encrypted: Buffer): unknown {
  if (encrypted.length !== 256) throw new DhError("encrypted_data must be 256 bytes");
  const m = rsaDecryptRaw(rsa, encrypted);
  const aesEncrypted = m.subarray(32);
  const xor = sha256(aesEncrypted);
  const tempKey = Buffer.from(m.subarray(0, 32).map((byte, i) => byte ^ (xor[i] ?? 0)));
  const dataWithHash = new IGE(tempKey, Buffer.alloc(32)).decryptIge(aesEncrypted);
  const data = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
  if (!sha256(tempKey, data).equals(dataWithHash.subarray(192, 224))) {
    throw new DhError("RSA_PAD hash mismatch (wrong key or tampered data)");
  }
  return new BinaryReader(data).tgReadObject();
}

function padTo16(data: Buffer): Buffer {
  const pad = (16 - (data.length % 16)) % 16;
  return Buffer.concat([data, randomBytes(pad)]);
}

function describe(obj: unknown): string {
  return (obj as { className?: string } | null)?.className ?? typeof obj;
}
