import makeWASocket, {
  type AuthenticationState,
  type BaileysEventMap,
  type SignalKeyStore,
} from "@whiskeysockets/baileys";
import { pino } from "pino";
import { installServerCertificateCheck } from "./server-cert.js";

/**
 * The slice of a Baileys socket the session runner uses, so tests can hand it a stub socket.
 * Baileys' own `WASocket` satisfies it.
 */
export interface SocketLike {
  ev: { on<E extends keyof BaileysEventMap>(event: E, listener: (arg: BaileysEventMap[E]) => void): void };
  /** Closes the socket; Baileys then emits `connection.update` {connection: "close"}. */
  end(error: Error | undefined): unknown;
  /** Unlinks the device (tells the server), then closes with 401. */
  logout(msg?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
}

export interface SocketConfig {
  /** Our durable auth state (the runner guards `keys.set`). */
  auth: AuthenticationState;
}

/** Makes one socket for one connection attempt. */
export type CreateSocket = (config: SocketConfig) => SocketLike;

/**
 * The real factory: `makeWASocket` with our auth state, a silent logger (Baileys logs key
 * material at debug/trace), `waWebSocketUrl` when set (the local peer), and no history sync.
 * Installs the strict server-certificate check first (WhatsApp's root, or `trustRootKeyHex`
 * which the config honours only together with `wsUrl`).
 */
export function createBaileysSocketFactory(options: {
  wsUrl?: string;
  trustRootKeyHex?: string;
}): CreateSocket {
  installServerCertificateCheck(options.trustRootKeyHex ? { trustRootKeyHex: options.trustRootKeyHex } : {});
  const logger = pino({ level: "silent" });
  return ({ auth }) =>
    makeWASocket({
      auth,
      logger,
      ...(options.wsUrl ? { waWebSocketUrl: options.wsUrl } : {}),
      printQRInTerminal: false,
      markOnlineOnConnect: false,
      syncFullHistory: false,
    });
}

/**
 * `state` with a key store whose failed `set()` also calls `onWriteFailure` (the rejection still
 * reaches Baileys). Baileys may swallow a rejected write inside a transaction; this makes sure the
 * runner hears of it and drops the socket rather than run on unsaved keys (DESIGN §4).
 */
export function guardKeyWrites(
  state: AuthenticationState,
  onWriteFailure: (error: unknown) => void,
): AuthenticationState {
  const keys: SignalKeyStore = {
    get: (type, ids) => state.keys.get(type, ids),
    async set(data) {
      try {
        await state.keys.set(data);
      } catch (error) {
        onWriteFailure(error);
        throw error;
      }
    },
    ...(state.keys.clear ? { clear: () => state.keys.clear!() } : {}),
  };
  return { creds: state.creds, keys };
}
