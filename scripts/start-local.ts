/**
 * `npm start`: the whole stack in one process on the embedded local adapter, with no AWS
 * account and no configuration: the HTTP API on PORT (default 8080) and the connector loop.
 * Config is resolved once here (env, else local defaults) and passed down.
 */
import { forwardToWebhooks } from "../connector/webhook-events.js";
import { startCleanupSchedule } from "../core/cleanup/index.js";
import { createStorageFromConfig, linkedResources, resolveConfig } from "../core/config/index.js";
import { createVault } from "../core/vault/vault.js";
import { startWebhookDispatcher } from "../core/webhook/index.js";
import { createApp } from "../functions/api/app.js";
import { createLogger } from "../functions/api/logger.js";
import { serveApp } from "../functions/api/node-server.js";

const config = await resolveConfig(process.env, linkedResources());
const logger = createLogger({ level: config.logLevel });
const storage = createStorageFromConfig(config);
const vault = createVault(storage.blobs, config.masterKey);

if (config.adminKeyGeneratedAt) {
  // Printed once, on the start that generated it; later starts only say where it lives.
  process.stdout.write(
    `\nGenerated an admin key (shown once): ${config.adminKey}\nIt is stored in ${config.adminKeyGeneratedAt} (mode 0600).\n\n`,
  );
} else if (config.adminKeySource === "file") {
  process.stdout.write(
    `Admin key: stored in ${config.storage.kind === "local" ? config.storage.dataDir : ""}/admin.key\n`,
  );
}

const app = createApp({
  storage,
  vault,
  clock: Date.now,
  config: {
    adminKey: config.adminKey,
    bodyLimitBytes: config.bodyLimitBytes,
    importBodyLimitBytes: config.importBodyLimitBytes,
    telegram: config.telegram,
    unpairedTtlMs: config.whatsapp.unpairedTtlMs,
  },
  logger,
});
const server = await serveApp(app, config.port);
process.stdout.write(`Sessionvault API listening on ${server.url} (storage: ${config.storage.kind})\n`);

// Webhook retries and the connector loop live in this long-running process.
const dispatcher = startWebhookDispatcher(
  { storage, vault, clock: Date.now },
  { onError: (error) => logger.warn({ error: (error as Error).message }, "webhook dispatch failed") },
);
// Loaded after the API listens: Baileys takes seconds to import, and health should not wait for it.
const { startConnector } = await import("../connector/start.js");
const connector = await startConnector({
  storage,
  vault,
  config,
  logger: logger.child({ service: "connector" }),
  onEvent: forwardToWebhooks(dispatcher, logger),
});
logger.info({ capacity: config.connector.capacity }, "connector loop started");

// No EventBridge here: this process runs the cleanup job itself, hourly unless configured.
const cleanupEveryMinutes = config.cleanupEveryMinutes ?? 60;
const cleanup =
  cleanupEveryMinutes > 0
    ? startCleanupSchedule(
        { storage, vault, clock: Date.now, logger: logger.child({ service: "cleanup" }) },
        { everyMs: cleanupEveryMinutes * 60_000, unpairedTtlMs: config.whatsapp.unpairedTtlMs },
      )
    : undefined;

const shutdown = async (signal: string): Promise<void> => {
  logger.info({ signal }, "shutting down");
  dispatcher.stop();
  cleanup?.stop();
  await connector.stop();
  await server.close();
  await storage.close();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
