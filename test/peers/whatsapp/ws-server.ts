/**
 * The slice of the `ws` package the peer uses, typed here because `ws` ships no types and
 * the project has no `@types/ws`. `ws` is a Baileys dependency, so it is always installed.
 */
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";

/** One accepted WebSocket (a `ws` WebSocket, narrowed to what the peer calls). */
export interface PeerWebSocket {
  readonly readyState: number;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "message", listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: "close", listener: (code: number, reason: Buffer) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
}

/** A WebSocket server attached to an existing HTTP server. */
export interface PeerWebSocketServer {
  readonly clients: Set<PeerWebSocket>;
  close(cb?: (err?: Error) => void): void;
}

/** `WebSocket.OPEN` in `ws`. */
export const WS_OPEN = 1;

/**
 * Attaches a WebSocket server to `server` (all upgrade paths: the client's path is not checked,
 * like the real edge) and calls `onConnection` for each socket.
 */
export function attachWebSocketServer(
  server: Server,
  onConnection: (socket: PeerWebSocket, req: IncomingMessage) => void,
): PeerWebSocketServer {
  const { WebSocketServer } = loadWs();
  const wss = new WebSocketServer({ server });
  wss.on("connection", onConnection);
  return wss;
}

// --- Internal helpers ---

interface WsServerInstance extends PeerWebSocketServer {
  on(event: "connection", listener: (socket: PeerWebSocket, req: IncomingMessage) => void): this;
}

interface WsModule {
  WebSocketServer: new (opts: { server: Server }) => WsServerInstance;
}

function loadWs(): WsModule {
  return createRequire(import.meta.url)("ws") as WsModule;
}
