import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/BinaryReader.js";
import { returnBigInt } from "telegram/Helpers.js";
import { MessageContainer } from "telegram/tl/core/index.js";
import { DhError, DhExchange } from "./dh-exchange.js";
import { decryptClientMessage, encryptServerMessage } from "./mtproto-crypto.js";
import { type DcAddress, handleRpc } from "./rpc-handlers.js";
import type { PeerRsaKey } from "./rsa-key.js";
import type { KeyRecord, PeerState } from "./state.js";
import { encodeFrame, FrameDecoder, FrameError } from "./tcp-full.js";
import { rpcResultBytes } from "./tl-write.js";

/** What every connection shares. */
export interface ConnectionDeps {
  state: PeerState;
  rsa: PeerRsaKey;
  dc: DcAddress;
  clock: MsgIdClock;
}

/**
 * Server msg_ids: time-based, strictly increasing across the whole peer, ≡ 1 mod 4 for answers to a
 * client message and ≡ 3 mod 4 for messages the server starts.
 */
export class MsgIdClock {
  private last = 0n;

  next(isResponse: boolean): bigint {
    const residue = isResponse ? 1n : 3n;
    let id = ((BigInt(Date.now()) << 32n) / 1000n) & ~3n;
    if (id <= this.last) id = (this.last & ~3n) + 4n;
    id |= residue;
    this.last = id;
    return id;
  }
}

/**
 * One client TCP connection: TCPFull frames, then either a plain message (the DH exchange) or an
 * MTProto 2.0 encrypted one. Packets under an unknown key, with a bad msg_key or malformed are dropped
 * without an answer and counted; a broken frame or DH exchange closes the connection. Messages are
 * handled one at a time, in arrival order.
 */
export function serveConnection(socket: Socket, deps: ConnectionDeps): void {
  const decoder = new FrameDecoder();
  const dh = new DhExchange(deps.rsa, (key) => deps.state.addKey(key));
  let sendSeq = 0;
  let boundKey: string | undefined;
  let session: { id: bigint; seq: number } | undefined;
  let queue = Promise.resolve();

  const write = (payload: Buffer): void => {
    if (!socket.destroyed) socket.write(encodeFrame(sendSeq++, payload));
  };

  const sendEncrypted = (record: KeyRecord, body: Buffer, isResponse: boolean): void => {
    if (!session) return;
    const seqNo = session.seq * 2 + 1;
    session.seq++;
    const msgId = deps.clock.next(isResponse);
    write(encryptServerMessage(record.key, { salt: record.salt, sessionId: session.id, msgId, seqNo, body }));
  };

  const handlePlain = async (payload: Buffer): Promise<void> => {
    const length = payload.readInt32LE(16);
    const request = await new BinaryReader(payload.subarray(20, 20 + length)).tgReadObject();
    const answer = await dh.handle(request);
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(deps.clock.next(true), 8);
    head.writeInt32LE(answer.length, 16);
    write(Buffer.concat([head, answer]));
  };

  const handleObject = async (record: KeyRecord, authKeyId: string, obj: unknown, msgId: bigint) => {
    if (obj instanceof MessageContainer) {
      // `messages` is private in GramJS's typings; each item is a TLMessage {msgId, seqNo, obj}.
      const { messages } = obj as unknown as { messages: { msgId: { toString(): string }; obj: unknown }[] };
      for (const inner of messages) {
        await handleObject(record, authKeyId, await inner.obj, BigInt(inner.msgId.toString()));
      }
    } else if (obj instanceof Api.MsgsAck) {
      // Acks need no answer.
    } else if (obj instanceof Api.Ping || obj instanceof Api.PingDelayDisconnect) {
      sendEncrypted(
        record,
        new Api.Pong({ msgId: returnBigInt(msgId), pingId: obj.pingId }).getBytes(),
        true,
      );
    } else if ((obj as { classType?: string } | null)?.classType === "request") {
      const outcome = handleRpc({ state: deps.state, authKeyId, record }, obj, deps.dc);
      sendEncrypted(record, rpcResultBytes(msgId, outcome), true);
    } else {
      deps.state.noteUnhandled((obj as { className?: string } | null)?.className ?? "unknown");
    }
  };

  const handleEncrypted = async (payload: Buffer): Promise<void> => {
    const message = decryptClientMessage(payload, (id) => deps.state.key(id)?.key);
    if ("drop" in message) {
      deps.state.noteDropped(message.drop);
      return;
    }
    const record = deps.state.key(message.authKeyId);
    if (!record) return;
    if (boundKey !== message.authKeyId) {
      if (boundKey) deps.state.connectionClosed(boundKey);
      boundKey = message.authKeyId;
      deps.state.connectionOpened(boundKey);
    }
    if (session?.id !== message.sessionId) {
      session = { id: message.sessionId, seq: 0 };
      const created = new Api.NewSessionCreated({
        firstMsgId: returnBigInt(message.msgId),
        uniqueId: returnBigInt(randomBytes(8).readBigInt64LE()),
        serverSalt: returnBigInt(record.salt),
      });
      sendEncrypted(record, created.getBytes(), false);
    }
    let obj: unknown;
    try {
      obj = await new BinaryReader(message.body).tgReadObject();
    } catch {
      deps.state.noteDropped("malformed");
      return;
    }
    await handleObject(record, message.authKeyId, obj, message.msgId);
  };

  const handlePayload = async (payload: Buffer): Promise<void> => {
    if (payload.length < 8) return;
    if (payload.readBigUInt64LE(0) === 0n) {
      if (payload.length < 20) throw new DhError("short plain message");
      await handlePlain(payload);
    } else {
      await handleEncrypted(payload);
    }
  };

  socket.on("data", (chunk: Buffer) => {
    let payloads: Buffer[];
    try {
      payloads = decoder.push(chunk);
    } catch (err) {
      if (err instanceof FrameError) socket.destroy();
      return;
    }
    for (const payload of payloads) {
      queue = queue.then(() =>
        handlePayload(payload).catch(() => {
          // A broken DH exchange or an unparseable plain message: Telegram closes the connection too.
          socket.destroy();
        }),
      );
    }
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    if (boundKey) deps.state.connectionClosed(boundKey);
    boundKey = undefined;
  });
}
