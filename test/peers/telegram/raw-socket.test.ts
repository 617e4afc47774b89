import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Api } from "telegram";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { BinaryWriter } from "telegram/extensions/BinaryWriter.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { MTProtoState } from "telegram/network/MTProtoState.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramPeer, type TelegramPeer } from "./peer.js";
import { encodeFrame, FrameDecoder } from "./tcp-full.js";

/**
 * Hand-made packets over a raw TCP socket: the peer must stay silent on forgeries, as Telegram does,
 * and keep the connection usable for genuine messages. The client half is GramJS's MTProtoState.
 */
describe("peer drops what Telegram drops (raw socket)", () => {
  let peer: TelegramPeer;
  beforeAll(async () => {
    peer = await startTelegramPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("ignores a message under an unknown auth key", async () => {
    const conn = await open(peer);
    const before = peer.stats().dropped.unknown_key;
    conn.send(await pingPacket(await stateFor(randomBytes(256))));
    expect(await conn.nextFrame(300)).toBeUndefined();
    expect(peer.stats().dropped.unknown_key).toBe(before + 1);
    conn.close();
  });

  it("ignores a bad msg_key under a known key, then answers a genuine ping on the same connection", async () => {
    const key = randomBytes(256);
    key[0] = 0x80;
    await registerKey(peer, key);
    const state = await stateFor(key);
    const conn = await open(peer);
    const forged = await pingPacket(state);
    forged[12] = (forged[12] ?? 0) ^ 0x10;
    const before = peer.stats().dropped.bad_msg_key;
    conn.send(forged);
    expect(await conn.nextFrame(300)).toBeUndefined();
    expect(peer.stats().dropped.bad_msg_key).toBe(before + 1);

    conn.send(await pingPacket(state, 4242));
    const objects: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const frame = await conn.nextFrame(2000);
      if (!frame) break;
      objects.push((await state.decryptMessageData(frame)).obj);
    }
    expect(objects[0]).toBeInstanceOf(Api.NewSessionCreated);
    expect(objects[1]).toBeInstanceOf(Api.Pong);
    expect((objects[1] as Api.Pong).pingId.toString()).toBe("4242");
    conn.close();
  });

  it("closes the connection on a frame with a bad CRC", async () => {
    const conn = await open(peer);
    const frame = encodeFrame(0, randomBytes(64));
    frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
    conn.socket.write(frame);
    await new Promise((resolve) => conn.socket.once("close", resolve));
  });
});

// --- Internal helpers ---

async function registerKey(peer: TelegramPeer, key: Buffer): Promise<void> {
  const res = await fetch(`${peer.controlUrl}/keys`, {
    method: "POST",
    body: JSON.stringify({ authKeyHex: key.toString("hex") }),
  });
  expect(res.status).toBe(200);
}

async function stateFor(key: Buffer): Promise<MTProtoState> {
  const authKey = new AuthKey();
  await authKey.setKey(key);
  return new MTProtoState(authKey, new Logger(LogLevel.NONE));
}

async function pingPacket(state: MTProtoState, pingId = 1): Promise<Buffer> {
  const writer = new BinaryWriter(Buffer.alloc(0));
  await state.writeDataAsMessage(writer, new Api.Ping({ pingId: returnBigInt(pingId) }).getBytes(), true);
  return state.encryptMessageData(writer.getValue());
}

interface RawConnection {
  socket: Socket;
  send(payload: Buffer): void;
  /** The next frame's payload, or undefined when none arrives within `ms`. */
  nextFrame(ms: number): Promise<Buffer | undefined>;
  close(): void;
}

async function open(peer: TelegramPeer): Promise<RawConnection> {
  const socket = connect(peer.port, peer.host);
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const decoder = new FrameDecoder();
  const frames: Buffer[] = [];
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    frames.push(...decoder.push(chunk));
    wake?.();
  });
  let seq = 0;
  return {
    socket,
    send: (payload) => socket.write(encodeFrame(seq++, payload)),
    nextFrame: async (ms) => {
      if (!frames.length) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return frames.shift();
    },
    close: () => socket.destroy(),
  };
}
