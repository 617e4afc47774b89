import { randomBytes } from "node:crypto";
import { Api } from "telegram";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { BinaryWriter } from "telegram/extensions/BinaryWriter.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { MTProtoState } from "telegram/network/MTProtoState.js";
import { describe, expect, it } from "vitest";
import { authKeyIdOf, minimalKey } from "./crypto-utils.js";
import { decryptClientMessage, encryptServerMessage } from "./mtproto-crypto.js";

/** GramJS's own client-side MTProto state for `key`: the independent other half of every check here. */
async function gramjsState(key: Buffer): Promise<MTProtoState> {
  const authKey = new AuthKey();
  await authKey.setKey(key);
  return new MTProtoState(authKey, new Logger(LogLevel.NONE));
}

async function clientPacket(state: MTProtoState, body: Buffer): Promise<Buffer> {
  const writer = new BinaryWriter(Buffer.alloc(0));
  await state.writeDataAsMessage(writer, body, true);
  return state.encryptMessageData(writer.getValue());
}

/** A key whose minimal big-endian form is 255 bytes, the case GramJS produces ~1 in 256 logins. */
function shortKey(): Buffer {
  return Buffer.concat([Buffer.from([0]), randomBytes(255)]).subarray(1);
}

describe("decryptClientMessage / encryptServerMessage against GramJS's MTProtoState", () => {
  it.each([
    ["256-byte key", Buffer.concat([Buffer.from([0x80]), randomBytes(255)])],
    ["255-byte minimal key", shortKey()],
  ])("round-trips both directions with a %s", async (_, key) => {
    const state = await gramjsState(key);
    const body = new Api.help.GetConfig().getBytes();
    const decrypted = decryptClientMessage(await clientPacket(state, body), (id) =>
      id === authKeyIdOf(key) ? minimalKey(key) : undefined,
    );
    if ("drop" in decrypted) throw new Error(`dropped: ${decrypted.drop}`);
    expect(decrypted.body.equals(body)).toBe(true);
    expect(decrypted.seqNo).toBe(1);

    const answer = new Api.Pong({ msgId: returnBigInt(decrypted.msgId), pingId: returnBigInt(7) });
    const packet = encryptServerMessage(minimalKey(key), {
      salt: 1n,
      sessionId: decrypted.sessionId,
      msgId: (decrypted.msgId & ~3n) + 5n,
      seqNo: 1,
      body: answer.getBytes(),
    });
    const message = await state.decryptMessageData(packet);
    expect(message.obj).toBeInstanceOf(Api.Pong);
  });

  it("drops a packet under an unknown auth key", async () => {
    const state = await gramjsState(randomBytes(256));
    const packet = await clientPacket(state, new Api.help.GetConfig().getBytes());
    expect(decryptClientMessage(packet, () => undefined)).toEqual({ drop: "unknown_key" });
  });

  it("drops a packet whose msg_key does not match its plaintext", async () => {
    const key = randomBytes(256);
    const state = await gramjsState(key);
    const packet = await clientPacket(state, new Api.help.GetConfig().getBytes());
    for (const offset of [8, 23, packet.length - 1]) {
      const forged = Buffer.from(packet);
      forged[offset] = (forged[offset] ?? 0) ^ 0x01;
      expect(decryptClientMessage(forged, () => key)).toEqual({ drop: "bad_msg_key" });
    }
  });

  it("drops a server-direction packet reflected back (x = 8 derivation)", () => {
    const key = randomBytes(256);
    const packet = encryptServerMessage(key, {
      salt: 0n,
      sessionId: 1n,
      msgId: 5n,
      seqNo: 1,
      body: new Api.help.GetConfig().getBytes(),
    });
    expect(decryptClientMessage(packet, () => key)).toEqual({ drop: "bad_msg_key" });
  });

  it("drops truncated or misaligned packets without throwing", () => {
    const key = randomBytes(256);
    expect(decryptClientMessage(Buffer.alloc(10), () => key)).toEqual({ drop: "malformed" });
    expect(decryptClientMessage(randomBytes(24 + 33), () => key)).toEqual({ drop: "malformed" });
  });
});
