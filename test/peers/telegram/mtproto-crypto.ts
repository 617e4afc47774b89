import { randomBytes, randomInt } from "node:crypto";
import { IGE } from "telegram/crypto/IGE.js";
import { authKeyIdOf, sha256 } from "./crypto-utils.js";

/** One decrypted client message (MTProto 2.0), before its body is parsed. */
export interface ClientMessage {
  authKeyId: string;
  key: Buffer;
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** Everything the peer needs to encrypt one message to the client. */
export interface ServerMessage {
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** Why a packet was dropped; the peer never answers these, Telegram's client-visible behaviour for forgeries. */
export type DropReason = "unknown_key" | "bad_msg_key" | "malformed";

/**
 * Decrypts `key_id ‖ msg_key ‖ AES-IGE(plaintext)` from a client. `lookup` maps an auth_key_id (decimal,
 * see `authKeyIdOf`) to the key bytes. Returns `{drop}` for a key the peer does not know, a msg_key that
 * does not match SHA256(key[88:120] ‖ plaintext)[8:24], or a plaintext whose length or padding is off
 * (12–1024 padding bytes, as Telegram requires). Never throws on hostile input.
 */
export function decryptClientMessage(
  packet: Buffer,
  lookup: (authKeyId: string) => Buffer | undefined,
): ClientMessage | { drop: DropReason } {
  if (packet.length < 24 + 32 || (packet.length - 24) % 16 !== 0) return { drop: "malformed" };
  const authKeyId = packet.readBigUInt64LE(0).toString();
  const key = lookup(authKeyId);
  if (!key) return { drop: "unknown_key" };
  const msgKey = packet.subarray(8, 24);
  const { aesKey, aesIv } = deriveAes(key, msgKey, 0);
  const plain = new IGE(aesKey, aesIv).decryptIge(packet.subarray(24));
  if (!sha256(key.subarray(88, 120), plain).subarray(8, 24).equals(msgKey)) return { drop: "bad_msg_key" };
  const length = plain.readInt32LE(28);
  const padding = plain.length - 32 - length;
  if (length < 4 || length % 4 !== 0 || padding < 12 || padding > 1024) return { drop: "malformed" };
  return {
    authKeyId,
    key,
    salt: plain.readBigInt64LE(0),
    sessionId: plain.readBigInt64LE(8),
    msgId: plain.readBigInt64LE(16),
    seqNo: plain.readInt32LE(24),
    body: Buffer.from(plain.subarray(32, 32 + length)),
  };
}

/** Encrypts one server→client message (x = 8 in the MTProto 2.0 key derivation), with 12–1024 bytes of padding. */
export function encryptServerMessage(key: Buffer, msg: ServerMessage): Buffer {
  const head = Buffer.alloc(32);
  head.writeBigInt64LE(msg.salt, 0);
  head.writeBigInt64LE(msg.sessionId, 8);
  head.writeBigInt64LE(msg.msgId, 16);
  head.writeInt32LE(msg.seqNo, 24);
  head.writeInt32LE(msg.body.length, 28);
  const unpadded = 32 + msg.body.length;
  const padLength = 12 + ((16 - ((unpadded + 12) % 16)) % 16) + 16 * randomInt(0, 4);
  const plain = Buffer.concat([head, msg.body, randomBytes(padLength)]);
  const msgKey = sha256(key.subarray(96, 128), plain).subarray(8, 24);
  const { aesKey, aesIv } = deriveAes(key, msgKey, 8);
  const keyId = Buffer.alloc(8);
  keyId.writeBigUInt64LE(BigInt(authKeyIdOf(key)));
  return Buffer.concat([keyId, msgKey, new IGE(aesKey, aesIv).encryptIge(plain)]);
}

// --- Internal helpers ---

/** MTProto 2.0 `_calcKey`: x = 0 for client→server, 8 for server→client. */
function deriveAes(key: Buffer, msgKey: Buffer, x: number): { aesKey: Buffer; aesIv: Buffer } {
  const a = sha256(msgKey, key.subarray(x, x + 36));
  const b = sha256(key.subarray(40 + x, 76 + x), msgKey);
  return {
    aesKey: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    aesIv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}
