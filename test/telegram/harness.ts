import { randomBytes } from "node:crypto";
import type { Scope } from "../../core/api-key/index.js";
import type { Storage } from "../../core/storage/types.js";
import type { TelegramSettings } from "../../core/telegram/session/index.js";
import { createVault } from "../../core/vault/vault.js";
import { type AppHarness, createAppHarness, type HarnessTenant } from "../helpers/app-harness.js";
import type { TelegramPeer } from "../peers/telegram/index.js";

export const API_ID = 12345;
export const API_HASH = "0123456789abcdef0123456789abcdef";

/** The API over `storage` with a settable clock and Telegram settings (api credentials by default). */
export interface TelegramHarness extends AppHarness {
  /** Moves the injected clock forward. */
  advance(ms: number): void;
  tenant(scopes?: Scope[]): Promise<HarnessTenant>;
  /** `app.request` with the tenant's key; JSON bodies are serialized. */
  call(apiKey: string, method: string, path: string, body?: unknown): Promise<Response>;
  /** How many records and blobs the tenant owns (its partition and blob prefix). */
  footprint(tenantId: string): Promise<{ records: number; blobs: number }>;
}

/**
 * `masterKey`: pass the same one to a second harness over the same storage to get "a new app
 * process" that can read what the first stored.
 */
export function createTelegramHarness(
  storage: Storage,
  telegram: TelegramSettings = {},
  options: { masterKey?: Uint8Array } = {},
): TelegramHarness {
  let now = Date.UTC(2025, 0, 1);
  const harness = createAppHarness(storage, {
    clock: () => now,
    vault: createVault(storage.blobs, options.masterKey ?? randomBytes(32)),
    config: {
      adminKey: `admin_${randomBytes(16).toString("hex")}`,
      telegram: { apiId: API_ID, apiHash: API_HASH, ...telegram },
    },
  });
  return {
    ...harness,
    advance: (ms) => {
      now += ms;
    },
    tenant: (scopes) => harness.createTenant(scopes ? { scopes } : {}),
    call: async (apiKey, method, path, body) =>
      harness.app.request(path, {
        method,
        headers: harness.headers(apiKey, body !== undefined),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    async footprint(tenantId) {
      const records = await storage.records.query(`t#${tenantId}`, { limit: 1000 });
      const blobs = await storage.blobs.list(`t/${tenantId}/`, { limit: 1000 });
      // The tenant record and its API keys are there from the start; only the delta matters.
      return { records: records.items.length, blobs: blobs.items.length };
    },
  };
}

/** Settings that send every connection to `peer` (or to `dcOverride`, e.g. a closed port), trusting its key. */
export function peerSettings(
  peer: TelegramPeer,
  dcOverride = peer.env.TELEGRAM_DC_OVERRIDE,
): TelegramSettings {
  return { dcOverride, trustRsaKey: peer.rsaPublicKeyLine, connectionRetries: 1, timeoutMs: 10_000 };
}
