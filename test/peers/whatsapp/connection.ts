/**
 * One client connection: runs the noise handshake, then carries binary nodes both ways over
 * the transport cipher. Knows nothing about pairing or login; the peer routes its nodes.
 */
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode, type proto } from "@whiskeysockets/baileys";
import { createFrameReader, encodeFrame } from "./frames.js";
import { createServerHandshake, type KeyPair, type NoiseTransport } from "./noise.js";
import type { PeerWebSocket } from "./ws-server.js";
import { WS_OPEN } from "./ws-server.js";

/** A client that finished the handshake. */
export interface PeerConnection {
  readonly id: number;
  /** The client's noise static key (`creds.noiseKey.public`). */
  readonly clientStatic: Buffer;
  readonly payload: proto.ClientPayload;
  /** True once the socket closed or `end` was called. */
  readonly closed: boolean;
  /** Encrypts and sends a node; a no-op once closed. */
  sendNode(node: BinaryNode): void;
  /** Sends `node` (an iq with an `id`) and resolves with the client's reply of that id. */
  request(node: BinaryNode, timeoutMs?: number): Promise<BinaryNode>;
  /**
   * Sends a final node (`stream:error`, `failure`) and lets the client close, as Baileys does
   * on its own; the socket is dropped after `graceMs` if it has not. Closing at once could let
   * the close event overtake the node in Baileys' async frame decoding.
   */
  end(finalNode?: BinaryNode, graceMs?: number): void;
}

/** Callbacks from one connection to the peer. */
export interface ConnectionHandlers {
  /** The handshake finished; the connection can be used. */
  onReady(conn: PeerConnection): void;
  /** A node that is not a reply to `request`. */
  onNode(conn: PeerConnection, node: BinaryNode): void;
  /** The socket closed (after `onReady`). */
  onClose(conn: PeerConnection): void;
}

/**
 * Serves one accepted WebSocket: handshake with `staticKeyPair` and `certChain`, then nodes.
 * A handshake that fails (bad frame, tag mismatch) drops the socket.
 */
export function serveConnection(
  socket: PeerWebSocket,
  opts: { id: number; staticKeyPair: KeyPair; certChain: Uint8Array; handlers: ConnectionHandlers },
): void {
  const reader = createFrameReader();
  const handshake = createServerHandshake({ staticKeyPair: opts.staticKeyPair, certChain: opts.certChain });
  const pending = new Map<string, { resolve: (node: BinaryNode) => void; reject: (err: Error) => void }>();
  let stage: "hello" | "finish" | "transport" = "hello";
  let transport: NoiseTransport | undefined;
  let conn: PeerConnection | undefined;
  let closed = false;
  let queue = Promise.resolve();

  const sendRaw = (payload: Uint8Array) => {
    if (socket.readyState === WS_OPEN) socket.send(encodeFrame(payload));
  };

  const onFrame = async (frame: Buffer) => {
    if (stage === "hello") {
      sendRaw(handshake.respondToHello(reader.waHeader ?? Buffer.alloc(0), frame));
      stage = "finish";
      return;
    }
    if (stage === "finish") {
      const { clientStatic, payload } = handshake.readFinish(frame);
      transport = handshake.split();
      stage = "transport";
      conn = createConnection(clientStatic, payload);
      opts.handlers.onReady(conn);
      return;
    }
    if (!transport || !conn) return;
    const node = await decodeBinaryNode(transport.decrypt(frame));
    const id = node.attrs.id;
    const waiter = id && node.tag === "iq" ? pending.get(id) : undefined;
    if (waiter && id) {
      pending.delete(id);
      waiter.resolve(node);
      return;
    }
    opts.handlers.onNode(conn, node);
  };

  const createConnection = (clientStatic: Buffer, payload: proto.ClientPayload): PeerConnection => {
    const c: PeerConnection = {
      id: opts.id,
      clientStatic,
      payload,
      get closed() {
        return closed;
      },
      sendNode(node) {
        if (closed || !transport) return;
        sendRaw(transport.encrypt(encodeBinaryNode(node)));
      },
      request(node, timeoutMs = 10_000) {
        const id = node.attrs.id;
        if (!id) return Promise.reject(new Error("request needs an id"));
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(new Error(`no reply to <${node.tag} id=${id}> in ${timeoutMs} ms`));
          }, timeoutMs);
          pending.set(id, {
            resolve: (reply) => {
              clearTimeout(timer);
              resolve(reply);
            },
            reject: (err) => {
              clearTimeout(timer);
              reject(err);
            },
          });
          c.sendNode(node);
        });
      },
      end(finalNode, graceMs = 2_000) {
        if (finalNode) c.sendNode(finalNode);
        closed = true;
        setTimeout(() => socket.terminate(), graceMs).unref();
      },
    };
    return c;
  };

  socket.on("message", (data) => {
    let frames: Buffer[];
    try {
      frames = reader.push(data);
    } catch {
      socket.terminate();
      return;
    }
    for (const frame of frames) {
      queue = queue.then(() =>
        onFrame(frame).catch(() => {
          // A frame that does not decrypt or decode ends the connection, as on the real edge.
          closed = true;
          socket.terminate();
        }),
      );
    }
  });
  socket.on("error", () => socket.terminate());
  socket.on("close", () => {
    closed = true;
    for (const waiter of pending.values()) waiter.reject(new Error("connection closed"));
    pending.clear();
    if (conn) opts.handlers.onClose(conn);
  });
}
