import type { Logger } from "pino";
import type { Scope } from "../../core/api-key/index.js";
import type { Storage } from "../../core/storage/types.js";
import type { TelegramSettings } from "../../core/telegram/session/index.js";
import type { Vault } from "../../core/vault/vault.js";

/** What the API needs from its environment. Built once by an entry file and passed in; the app reads no env. */
export interface AppDeps {
  storage: Storage;
  vault: Vault;
  /** Milliseconds since the epoch. Injected so tests control time. */
  clock: () => number;
  config: AppConfig;
  /** Create it with `createLogger()` so secret fields are redacted. */
  logger: Logger;
}

export interface AppConfig {
  /** The operator's secret: manages tenants and keys. Compared in constant time; never logged. */
  adminKey: string;
  /** Request bodies above this get 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** The same for the import routes (`IMPORT_ROUTES`). Default 4 MiB. */
  importBodyLimitBytes?: number;
  /** api_id/api_hash defaults, login TTL, and the local-peer override (tests only). See `TelegramSettings`. */
  telegram?: TelegramSettings;
  /** Never-paired WhatsApp sessions expire this long after creation (config `SESSIONVAULT_UNPAIRED_TTL_HOURS`). Default 24 h. */
  unpairedTtlMs?: number;
}

export type TenantPrincipal = { kind: "tenant"; tenantId: string; keyId: string; scopes: Scope[] };
export type AdminPrincipal = { kind: "admin" };
/** Who is calling, set on `c.var.principal` by the auth middleware in `auth.ts`. */
export type Principal = TenantPrincipal | AdminPrincipal;

/** Variables every request has. `principal` is there only after an auth middleware ran. */
export type AppVariables = {
  deps: AppDeps;
  requestId: string;
  /** `deps.logger` bound to this request's id. */
  log: Logger;
  principal?: Principal;
};

/** The Hono env of the app and of every route file (`createRouter()` in `router.ts`). */
export type AppEnv = { Variables: AppVariables };
