import type { Api } from "telegram";
import { TelegramClient } from "telegram";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { StringSession } from "telegram/sessions/index.js";
import {
  TelegramConfigError,
  TelegramError,
  TelegramSessionInvalidError,
  toTelegramError,
} from "./errors.js";
import { parseTrustedRsaKey, trustRsaKey } from "./gramjs-client-rsa.js";
import { createOverrideSocketClass, type DcOverride } from "./gramjs-client-socket.js";

export type { DcOverride } from "./gramjs-client-socket.js";

/** How to build a client. `session` is a GramJS (or Telethon) StringSession string, "" for a fresh login. */
export interface TelegramClientOptions {
  session: string;
  apiId: number;
  apiHash: string;
  /** Send every connection here instead of Telegram's DCs (local peer in tests). */
  dcOverride?: DcOverride;
  /** Test-only: one-line RSA public key GramJS may use for a fresh DH exchange (see `parseTrustedRsaKey`). */
  trustRsaKey?: string;
  /** Connection attempts per connect(). Default 3 (GramJS's own default is Infinity: connect() would never fail). */
  connectionRetries?: number;
  /** Bound on connect() and on each request. Default 20 s. */
  timeoutMs?: number;
}

/** Everything but the session: what the login helpers need to build their own clients. */
export type TelegramConnectOptions = Omit<TelegramClientOptions, "session">;

/**
 * A GramJS client that connects on first use. Every failure is a `TelegramError` (see `TelegramProblem`).
 * Call `destroy()` when done: `disconnect()` would leave GramJS's update loop running.
 */
export interface TelegramClientHandle {
  /** Connects (once; again after a failure). Throws a `transient` TelegramError when Telegram is unreachable. */
  connect(): Promise<void>;
  /** Connects if needed and invokes one request, bounded by `timeoutMs`. */
  invoke<R extends Api.AnyRequest>(request: R): Promise<R["__response"]>;
  /** Connects if needed and runs `fn` on the raw GramJS client, bounded by `timeoutMs`. */
  run<T>(fn: (client: TelegramClient) => Promise<T>): Promise<T>;
  /** The session string now (it holds the auth key: a secret, never log it). "" before a key exists. */
  saveSession(): string;
  destroy(): Promise<void>;
}

/** Test-only overrides read from the environment. */
export interface TelegramTestOverrides {
  dcOverride: DcOverride | undefined;
  trustRsaKey: string | undefined;
}

const DEFAULTS = { connectionRetries: 3, timeoutMs: 20_000 } as const;

/** The DC a fresh session points at when overridden; the port must fit `save()`'s int16 (≤ 32767). */
const OVERRIDE_SESSION_DC = { id: 2, port: 443 } as const;

/** The app's one way to build a GramJS client: silent logging, bounded retries, flood waits surfaced. */
export function createTelegramClient(options: TelegramClientOptions): TelegramClientHandle {
  if (!Number.isInteger(options.apiId) || options.apiId <= 0) {
    throw new TelegramConfigError("apiId", "must be a positive integer");
  }
  if (!options.apiHash) throw new TelegramConfigError("apiHash", "is required");
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const session = parseSession(options.session);
  if (options.trustRsaKey !== undefined) trustRsaKey(parseTrustedRsaKey(options.trustRsaKey, "trustRsaKey"));
  if (options.dcOverride && !session.serverAddress) {
    session.setDC(OVERRIDE_SESSION_DC.id, options.dcOverride.host, OVERRIDE_SESSION_DC.port);
  }
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
    connectionRetries: options.connectionRetries ?? DEFAULTS.connectionRetries,
    timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
    // 0: every FLOOD_WAIT reaches us instead of GramJS sleeping inside invoke().
    floodSleepThreshold: 0,
    baseLogger: new Logger(LogLevel.NONE),
    // Only set when overridden: GramJS merges options over its defaults, so `undefined` would erase them.
    ...(options.dcOverride ? { networkSocket: createOverrideSocketClass(options.dcOverride) } : {}),
  });

  let connecting: Promise<void> | undefined;
  let destroyed = false;

  const connect = (): Promise<void> => {
    if (destroyed)
      return Promise.reject(new TelegramError({ kind: "transient", reason: "client destroyed" }));
    connecting ??= (async () => {
      let connected: boolean;
      try {
        connected = await withTimeout(client.connect(), timeoutMs, "connect");
      } catch (err) {
        throw toTelegramError(err);
      }
      if (!connected) throw new TelegramError({ kind: "transient", reason: "could not connect to Telegram" });
    })().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  };

  const run = async <T>(fn: (c: TelegramClient) => Promise<T>): Promise<T> => {
    await connect();
    try {
      return await withTimeout(fn(client), timeoutMs, "request");
    } catch (err) {
      throw toTelegramError(err);
    }
  };

  return {
    connect,
    run,
    invoke: (request) => run((c) => c.invoke(request)),
    saveSession: () => session.save(),
    destroy: async () => {
      destroyed = true;
      await client.destroy();
    },
  };
}

/**
 * Reads `TELEGRAM_DC_OVERRIDE` (`host:port`) and `TELEGRAM_TRUST_RSA_KEY` (one line). The RSA key is
 * honoured only together with the override: trusting it against real Telegram would let whoever holds
 * its private key read new auth keys, so setting it alone is a `TelegramConfigError`, not a silent no-op.
 */
export function resolveTelegramTestOverrides(env: Record<string, string | undefined>): TelegramTestOverrides {
  const rawOverride = env.TELEGRAM_DC_OVERRIDE?.trim() || undefined;
  const rawKey = env.TELEGRAM_TRUST_RSA_KEY?.trim() || undefined;
  if (!rawOverride) {
    if (rawKey) {
      throw new TelegramConfigError(
        "TELEGRAM_TRUST_RSA_KEY",
        "is only allowed together with TELEGRAM_DC_OVERRIDE",
      );
    }
    return { dcOverride: undefined, trustRsaKey: undefined };
  }
  if (rawKey) parseTrustedRsaKey(rawKey, "TELEGRAM_TRUST_RSA_KEY");
  return { dcOverride: parseDcOverride(rawOverride), trustRsaKey: rawKey };
}

// --- Internal helpers ---

function parseDcOverride(text: string): DcOverride {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TelegramConfigError("TELEGRAM_DC_OVERRIDE", "must be host:port, e.g. 127.0.0.1:4430");
  }
  return { host: match[1], port };
}

/** Checks what GramJS does not: it accepts truncated keys silently and throws bare Errors otherwise. */
function parseSession(text: string): StringSession {
  const trimmed = text.trim();
  if (!trimmed) return new StringSession("");
  let session: StringSession;
  try {
    session = new StringSession(trimmed);
  } catch (err) {
    throw new TelegramSessionInvalidError("not a GramJS or Telethon string session", err);
  }
  // `_key` is private in GramJS's typings; it is the raw auth key read from the string.
  const key = (session as unknown as { _key?: Buffer })._key;
  // Keys are minimal big-endian: 256 bytes, rarely 255 or fewer; far shorter means a truncated string.
  if (!key || key.length < 240 || key.length > 256)
    throw new TelegramSessionInvalidError("bad auth key length");
  if (!session.serverAddress || !(session.port > 0)) {
    throw new TelegramSessionInvalidError("no server address or port");
  }
  return session;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TelegramError({ kind: "transient", reason: `${what} timed out after ${ms} ms` })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
