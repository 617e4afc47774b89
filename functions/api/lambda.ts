import { handle } from "hono/aws-lambda";
import { createStorageFromConfig, linkedResources, resolveConfig } from "../../core/config/index.js";
import { createVault } from "../../core/vault/vault.js";
import { createApp } from "./app.js";
import { createLogger } from "./logger.js";

/**
 * Lambda entry (API Gateway HTTP API, `$default` route; see `infra/api.ts`). Config is resolved
 * once per cold start (SST `Resource`, else env) and passed down; nothing below reads env.
 */
const config = await resolveConfig(process.env, linkedResources());
const storage = createStorageFromConfig(config);

const app = createApp({
  storage,
  vault: createVault(storage.blobs, config.masterKey),
  clock: Date.now,
  config: {
    adminKey: config.adminKey,
    bodyLimitBytes: config.bodyLimitBytes,
    importBodyLimitBytes: config.importBodyLimitBytes,
    telegram: config.telegram,
    unpairedTtlMs: config.whatsapp.unpairedTtlMs,
  },
  logger: createLogger({ level: config.logLevel }),
});

export const handler: ReturnType<typeof handle> = handle(app);
