/**
 * Test helper: the real Baileys client over an in-memory, JSON-round-tripped auth state, so a
 * "restart" (a new socket from the saved creds and keys) behaves like reading them back from
 * storage. Not a test itself.
 */
import makeWASocket, {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  type ConnectionState,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type UserFacingSocketConfig,
  type WASocket,
} from "@whiskeysockets/baileys";
import pino from "pino";

/** Durable-looking auth storage: creds and keys kept as JSON strings. */
export interface MemoryAuthStore {
  /** The creds as last saved (JSON with BufferJSON). */
  savedCreds: string;
  /** `type/id` -> JSON value. */
  keys: Map<string, string>;
  /** A fresh `AuthenticationState` read from what is saved. */
  load(): AuthenticationState;
  /** Saves `creds` (called on every `creds.update`). */
  save(creds: AuthenticationCreds): void;
  /** How many keys of `type` are stored. */
  count(type: keyof SignalDataTypeMap): number;
}

/** A new store holding `from`'s creds and keys (copied), or fresh creds from `initAuthCreds()`. */
export function createMemoryAuthStore(from?: {
  savedCreds: string;
  keys: Map<string, string>;
}): MemoryAuthStore {
  const keys = new Map(from?.keys);
  const store: MemoryAuthStore = {
    savedCreds: from?.savedCreds ?? JSON.stringify(initAuthCreds(), BufferJSON.replacer),
    keys,
    load() {
      const creds = JSON.parse(store.savedCreds, BufferJSON.reviver) as AuthenticationCreds;
      return {
        creds,
        keys: {
          async get(type, ids) {
            const out: Record<string, unknown> = {};
            for (const id of ids) {
              const raw = keys.get(`${type}/${id}`);
              if (raw === undefined) continue;
              const value: unknown = JSON.parse(raw, BufferJSON.reviver);
              out[id] =
                type === "app-state-sync-key"
                  ? proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
                  : value;
            }
            return out as never;
          },
          async set(data: SignalDataSet) {
            for (const [type, entries] of Object.entries(data)) {
              for (const [id, value] of Object.entries(entries ?? {})) {
                if (value === null || value === undefined) keys.delete(`${type}/${id}`);
                else keys.set(`${type}/${id}`, JSON.stringify(value, BufferJSON.replacer));
              }
            }
          },
        },
      };
    },
    save(creds) {
      store.savedCreds = JSON.stringify(creds, BufferJSON.replacer);
    },
    count(type) {
      let n = 0;
      for (const key of keys.keys()) if (key.startsWith(`${type}/`)) n += 1;
      return n;
    },
  };
  return store;
}

/** A connected client and what it reported. */
export interface TestClient {
  sock: WASocket;
  creds: AuthenticationCreds;
  /** Every `connection.update`, in order. */
  updates: Partial<ConnectionState>[];
  /** Resolves with the first update matching `predicate` (past or future); rejects after `timeoutMs`. */
  waitFor(
    predicate: (u: Partial<ConnectionState>) => boolean,
    timeoutMs?: number,
  ): Promise<Partial<ConnectionState>>;
  /** Resolves when the socket closes, with Baileys' status code, message and the error itself. */
  closed: Promise<ClientClose>;
}

/** How a client's socket closed (`lastDisconnect`). */
export interface ClientClose {
  statusCode: number | undefined;
  message: string | undefined;
  error: unknown;
}

/** Opens a Baileys socket to `wsUrl` with the store's saved auth; saves creds on every update. */
export function connectClient(
  wsUrl: string,
  store: MemoryAuthStore,
  config: Partial<UserFacingSocketConfig> = {},
): TestClient {
  const auth = store.load();
  const sock = makeWASocket({
    waWebSocketUrl: wsUrl,
    auth,
    logger: pino({ level: process.env.PEER_TEST_LOG ?? "silent" }),
    printQRInTerminal: false,
    markOnlineOnConnect: false,
    syncFullHistory: false,
    connectTimeoutMs: 10_000,
    ...config,
  });
  const updates: Partial<ConnectionState>[] = [];
  const listeners = new Set<(u: Partial<ConnectionState>) => void>();
  let resolveClosed: (v: ClientClose) => void = () => {};
  const closed = new Promise<ClientClose>((resolve) => {
    resolveClosed = resolve;
  });
  sock.ev.on("creds.update", () => store.save(auth.creds));
  sock.ev.on("connection.update", (update) => {
    updates.push(update);
    for (const listener of listeners) listener(update);
    if (update.connection === "close") {
      const error = update.lastDisconnect?.error as
        | { output?: { statusCode?: number }; message?: string }
        | undefined;
      resolveClosed({ statusCode: error?.output?.statusCode, message: error?.message, error });
    }
  });
  return {
    sock,
    creds: auth.creds,
    updates,
    closed,
    waitFor(predicate, timeoutMs = 10_000) {
      const seen = updates.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(
            new Error(
              `no matching connection.update in ${timeoutMs} ms; saw ${JSON.stringify(updates.map(summarize))}`,
            ),
          );
        }, timeoutMs);
        const listener = (u: Partial<ConnectionState>) => {
          if (!predicate(u)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(u);
        };
        listeners.add(listener);
      });
    },
  };
}

// --- Internal helpers ---

function summarize(u: Partial<ConnectionState>): Record<string, unknown> {
  const error = u.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
  return {
    connection: u.connection,
    qr: u.qr ? "…" : undefined,
    isNewLogin: u.isNewLogin,
    status: error?.output?.statusCode,
    message: error?.message,
  };
}

/**
 * Registers a fresh client, has `scan` link its first QR and waits for the 515 restart.
 * Resolves with the store (holding the paired creds) and the device jid.
 */
export async function pairWithQr(
  wsUrl: string,
  scan: (qr: string) => Promise<{ jid: string }>,
): Promise<{ store: MemoryAuthStore; jid: string }> {
  const store = createMemoryAuthStore();
  const client = connectClient(wsUrl, store);
  const { qr } = await client.waitFor((u) => !!u.qr);
  const { jid } = await scan(qr as string);
  const { statusCode } = await client.closed;
  if (statusCode !== 515) throw new Error(`expected the 515 restart after pairing, got ${statusCode}`);
  return { store, jid };
}

/** Connects with the store's creds and waits for `connection: 'open'`. */
export async function openClient(wsUrl: string, store: MemoryAuthStore): Promise<TestClient> {
  const client = connectClient(wsUrl, store);
  await client.waitFor((u) => u.connection === "open" || u.connection === "close");
  if (!client.updates.some((u) => u.connection === "open")) {
    throw new Error(`login did not open: ${JSON.stringify(await client.closed)}`);
  }
  return client;
}
