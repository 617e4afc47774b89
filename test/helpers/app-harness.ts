import { randomBytes } from "node:crypto";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Logger } from "pino";
import type { Scope } from "../../core/api-key/index.js";
import { createMemoryStorage } from "../../core/storage/memory.js";
import type { Storage } from "../../core/storage/types.js";
import { createVault } from "../../core/vault/vault.js";
import { createApp } from "../../functions/api/app.js";
import type { AppDeps, AppEnv } from "../../functions/api/env.js";
import { createLogger } from "../../functions/api/logger.js";

/** A tenant made through the real admin route, with its first key's secret. */
export interface HarnessTenant {
  tenantId: string;
  keyId: string;
  apiKey: string;
}

export interface AppHarness {
  app: OpenAPIHono<AppEnv>;
  deps: AppDeps;
  adminKey: string;
  /** `POST /v1/tenants` with the admin key; with `scopes`, also mints a key carrying them and returns that one. */
  createTenant(options?: { name?: string; scopes?: Scope[] }): Promise<HarnessTenant>;
  /** `{ Authorization: "Bearer <key>" }`, plus JSON content type when `json` is set. */
  headers(apiKey: string, json?: boolean): Record<string, string>;
}

/**
 * The API over `storage` (memory by default) for route tests, with a known admin key, a silent
 * logger and a random master key. Override any dependency, e.g. `{ clock: () => fixedTime }`
 * or a `logger` built with `createLogger({ destination })` to assert on log lines.
 */
export function createAppHarness(
  storage: Storage = createMemoryStorage(),
  overrides: Partial<Omit<AppDeps, "storage">> & { logger?: Logger } = {},
): AppHarness {
  const adminKey = overrides.config?.adminKey ?? `admin_${randomBytes(16).toString("hex")}`;
  const deps: AppDeps = {
    storage,
    vault: overrides.vault ?? createVault(storage.blobs, randomBytes(32)),
    clock: overrides.clock ?? Date.now,
    config: { ...overrides.config, adminKey },
    logger: overrides.logger ?? createLogger({ level: "silent" }),
  };
  const app = createApp(deps);
  const headers = (apiKey: string, json = false): Record<string, string> => ({
    authorization: `Bearer ${apiKey}`,
    ...(json ? { "content-type": "application/json" } : {}),
  });

  async function post<T>(path: string, body: unknown): Promise<T> {
    const res = await app.request(path, {
      method: "POST",
      headers: headers(adminKey, true),
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`harness: POST ${path} -> ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  return {
    app,
    deps,
    adminKey,
    headers,
    async createTenant(options = {}) {
      const tenant = await post<HarnessTenant>("/v1/tenants", options.name ? { name: options.name } : {});
      if (!options.scopes?.length) return tenant;
      const key = await post<{ keyId: string; apiKey: string }>(`/v1/tenants/${tenant.tenantId}/keys`, {
        scopes: options.scopes,
      });
      return { tenantId: tenant.tenantId, keyId: key.keyId, apiKey: key.apiKey };
    },
  };
}
