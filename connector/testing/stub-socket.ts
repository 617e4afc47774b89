import { EventEmitter } from "node:events";
import type { AuthenticationState, BaileysEventMap, ConnectionState } from "@whiskeysockets/baileys";
import type { CreateSocket, SocketLike } from "../whatsapp/socket.js";

/**
 * A stand-in for a Baileys socket (no network), for connector tests: the test drives what the
 * server would do (`showQr`, `open`, `close(statusCode)`) and inspects what the runner did.
 */
export interface StubSocket extends SocketLike {
  /** The auth state the runner handed over (keys guarded by the runner). */
  auth: AuthenticationState;
  ended: boolean;
  endedWith: Error | undefined;
  loggedOut: boolean;
  pairingRequests: string[];
  emitUpdate(update: Partial<ConnectionState>): void;
  showQr(qr: string): void;
  /** Pairs (sets `creds.me`) when not yet paired, then opens. */
  open(me?: { id: string; name?: string }): void;
  /** Closes as Baileys does: a Boom-shaped error with `output.statusCode` (and `data`). */
  close(statusCode: number, options?: { message?: string; data?: unknown }): void;
  closeWith(error: Error): void;
}

export interface StubSocketFactory {
  createSocket: CreateSocket;
  sockets: StubSocket[];
  /** Resolves with the `n`-th socket (1-based) once it exists. */
  nth(n: number, timeoutMs?: number): Promise<StubSocket>;
}

export function createStubSocketFactory(options: { pairingCode?: string } = {}): StubSocketFactory {
  const sockets: StubSocket[] = [];
  const created = new EventEmitter();
  const createSocket: CreateSocket = ({ auth }) => {
    const emitter = new EventEmitter();
    const emit = <E extends keyof BaileysEventMap>(event: E, arg: BaileysEventMap[E]): void => {
      emitter.emit(event, arg);
    };
    const closeWith = (error: Error | undefined): void => {
      if (socket.ended) return;
      socket.ended = true;
      socket.endedWith = error;
      emit("connection.update", { connection: "close", lastDisconnect: { error, date: new Date() } });
    };
    const socket: StubSocket = {
      auth,
      ended: false,
      endedWith: undefined,
      loggedOut: false,
      pairingRequests: [],
      ev: { on: (event, listener) => void emitter.on(event, listener as (arg: unknown) => void) },
      end: (error) => closeWith(error),
      async logout() {
        socket.loggedOut = true;
        socket.close(401, { message: "Intentional Logout" });
      },
      async requestPairingCode(phone) {
        socket.pairingRequests.push(phone);
        return options.pairingCode ?? "ABCD1234";
      },
      emitUpdate: (update) => emit("connection.update", update),
      showQr: (qr) => emit("connection.update", { qr }),
      open(me = { id: "4915112345678:7@s.whatsapp.net", name: "Stub" }) {
        if (!auth.creds.me) {
          auth.creds.me = me;
          auth.creds.registered = true;
          emit("creds.update", { me, registered: true });
          emit("connection.update", { isNewLogin: true });
        }
        emit("connection.update", { connection: "open" });
      },
      close(statusCode, opts = {}) {
        const error = Object.assign(new Error(opts.message ?? `closed with ${statusCode}`), {
          output: { statusCode },
          data: opts.data,
        });
        closeWith(error);
      },
      closeWith: (error) => closeWith(error),
    };
    sockets.push(socket);
    created.emit("socket");
    return socket;
  };
  return {
    createSocket,
    sockets,
    nth(n, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const s = sockets[n - 1];
          if (s) {
            created.off("socket", check);
            clearTimeout(timer);
            resolve(s);
          }
          return !!s;
        };
        const timer = setTimeout(() => {
          created.off("socket", check);
          reject(new Error(`socket ${n} was not created within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) created.on("socket", check);
      });
    },
  };
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
