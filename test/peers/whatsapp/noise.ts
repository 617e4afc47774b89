/**
 * Server side of WhatsApp's Noise XX handshake (Noise_XX_25519_AESGCM_SHA256), as Baileys'
 * `Utils/noise-handler.js` expects it. Differences from a stock Noise library that matter:
 * h and ck start as the raw 32-byte protocol name (not hashed), the WA intro header is mixed
 * into h, message 1 has no payload to mix, and one nonce counter is shared by both directions
 * until the split.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync } from "node:crypto";
import { Curve, type KeyPair, NOISE_MODE, proto } from "@whiskeysockets/baileys";

/** A Curve25519 key pair in Baileys' shape (32-byte raw public key). */
export type { KeyPair };

/** Post-handshake cipher for one connection. Counters run separately per direction. */
export interface NoiseTransport {
  encrypt(plaintext: Uint8Array): Buffer;
  /** Throws when the tag does not verify. */
  decrypt(ciphertext: Uint8Array): Buffer;
}

/** What the client proved in its `clientFinish`. */
export interface ClientFinish {
  /** The client's static key: Baileys' `creds.noiseKey.public`. */
  clientStatic: Buffer;
  payload: proto.ClientPayload;
}

/** One handshake, driven by the connection in order: hello, finish, split. */
export interface ServerHandshake {
  /** Reads the client hello frame; returns the encoded server hello frame payload. */
  respondToHello(waHeader: Uint8Array, frame: Uint8Array): Uint8Array;
  /** Reads the client finish frame. Throws when it does not decrypt. */
  readFinish(frame: Uint8Array): ClientFinish;
  /** Derives the transport keys; call once, after `readFinish`. */
  split(): NoiseTransport;
}

/**
 * Starts a server handshake with the peer's static key and the encoded `CertChain` it presents.
 */
export function createServerHandshake(opts: {
  staticKeyPair: KeyPair;
  certChain: Uint8Array;
}): ServerHandshake {
  const mode = Buffer.from(NOISE_MODE);
  let h = mode;
  let ck = mode;
  let k = mode;
  let n = 0;
  let serverEphemeral: KeyPair | undefined;

  const mixHash = (data: Uint8Array) => {
    h = createHash("sha256").update(h).update(data).digest();
  };
  const mixKey = (ikm: Uint8Array) => {
    const out = Buffer.from(hkdfSync("sha256", ikm, ck, Buffer.alloc(0), 64));
    ck = out.subarray(0, 32);
    k = out.subarray(32, 64);
    n = 0;
  };
  const encrypt = (plaintext: Uint8Array) => {
    const ciphertext = aesGcmEncrypt(k, nonce(n++), h, plaintext);
    mixHash(ciphertext);
    return ciphertext;
  };
  const decrypt = (ciphertext: Uint8Array) => {
    const plaintext = aesGcmDecrypt(k, nonce(n++), h, ciphertext);
    mixHash(ciphertext);
    return plaintext;
  };

  return {
    respondToHello(waHeader, frame) {
      const clientEphemeral = proto.HandshakeMessage.decode(frame).clientHello?.ephemeral;
      if (clientEphemeral?.length !== 32) throw new Error("client hello without ephemeral");
      mixHash(waHeader);
      mixHash(clientEphemeral);
      const ephemeral = Curve.generateKeyPair();
      serverEphemeral = ephemeral;
      mixHash(ephemeral.public);
      mixKey(Curve.sharedKey(ephemeral.private, clientEphemeral));
      const staticEnc = encrypt(opts.staticKeyPair.public);
      mixKey(Curve.sharedKey(opts.staticKeyPair.private, clientEphemeral));
      const payloadEnc = encrypt(opts.certChain);
      return proto.HandshakeMessage.encode({
        serverHello: { ephemeral: ephemeral.public, static: staticEnc, payload: payloadEnc },
      }).finish();
    },
    readFinish(frame) {
      if (!serverEphemeral) throw new Error("client finish before hello");
      const finish = proto.HandshakeMessage.decode(frame).clientFinish;
      if (!finish?.static || !finish.payload) throw new Error("client finish without static or payload");
      const clientStatic = decrypt(finish.static);
      mixKey(Curve.sharedKey(serverEphemeral.private, clientStatic));
      const payload = proto.ClientPayload.decode(decrypt(finish.payload));
      return { clientStatic, payload };
    },
    split() {
      const out = Buffer.from(hkdfSync("sha256", Buffer.alloc(0), ck, Buffer.alloc(0), 64));
      // The client writes with the first half, so the server reads with it.
      return createTransport(out.subarray(32, 64), out.subarray(0, 32));
    },
  };
}

// --- Internal helpers ---

const EMPTY = Buffer.alloc(0);

function createTransport(encKey: Buffer, decKey: Buffer): NoiseTransport {
  let writeCounter = 0;
  let readCounter = 0;
  return {
    encrypt: (plaintext) => aesGcmEncrypt(encKey, nonce(writeCounter++), EMPTY, plaintext),
    decrypt: (ciphertext) => aesGcmDecrypt(decKey, nonce(readCounter++), EMPTY, ciphertext),
  };
}

function nonce(counter: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(counter, 8);
  return iv;
}

function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
}
