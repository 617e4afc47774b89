/**
 * Connector entry (ECS task, `docker run`, and the local stack's connector process): resolves
 * config once, opens storage and the vault, runs the connector loop, and serves `GET /healthz`
 * and `GET /metrics` (Prometheus) on `CONNECTOR_PORT`. SIGTERM/SIGINT: stop every socket, flush
 * auth state, release leases, exit 0 well within ECS's 30 s (we aim for 10 s; a stuck backend
 * cannot hold the process past it).
 */
import { pino } from "pino";
import { startCleanupSchedule } from "../core/cleanup/index.js";
import { createStorageFromConfig, linkedResources, resolveConfig } from "../core/config/index.js";
import { createVault } from "../core/vault/vault.js";
import { startWebhookDispatcher } from "../core/webhook/index.js";
import { serveHealth } from "./health.js";
import { createConnectorMetrics } from "./metrics.js";
import { startConnector } from "./start.js";
import { forwardToWebhooks } from "./webhook-events.js";

const SHUTDOWN_BUDGET_MS = 9_000;

const config = await resolveConfig(process.env, linkedResources());
const logger = pino({
  level: config.logLevel,
  base: { service: "connector", connector: config.connector.id },
});
const storage = createStorageFromConfig(config);
const vault = createVault(storage.blobs, config.masterKey);
let draining = false;

// The connector is the long-running process: it emits session webhooks and retries every
// tenant's due deliveries, including those the API and the cleanup Lambda first attempted.
const dispatcher = startWebhookDispatcher(
  { storage, vault, clock: Date.now },
  { onError: (error) => logger.warn({ error: (error as Error).message }, "webhook dispatch failed") },
);
const metrics = createConnectorMetrics({ capacity: config.connector.capacity });
const connector = await startConnector({
  storage,
  vault,
  config,
  logger,
  metrics,
  onEvent: forwardToWebhooks(dispatcher, logger),
  loop: loopOverrides(process.env),
});
// On AWS the EventBridge schedule runs the cleanup job; a connector run elsewhere (`docker run`)
// runs it itself when SESSIONVAULT_CLEANUP_EVERY_MINUTES is set.
const cleanup = config.cleanupEveryMinutes
  ? startCleanupSchedule(
      { storage, vault, clock: Date.now, logger: logger.child({ service: "cleanup" }) },
      { everyMs: config.cleanupEveryMinutes * 60_000, unpairedTtlMs: config.whatsapp.unpairedTtlMs },
    )
  : undefined;
const health = await serveHealth(
  config.connector.port,
  () => ({ ok: !draining, sessions: connector.owned().length }),
  () => metrics.render(connector.owned().length),
);
logger.info(
  { port: health.port, capacity: config.connector.capacity, storage: config.storage.kind },
  "connector started",
);

async function shutdown(signal: string): Promise<void> {
  if (draining) return;
  draining = true;
  dispatcher.stop();
  cleanup?.stop();
  logger.info({ signal, sessions: connector.owned().length }, "shutting down");
  const timeout = new Promise<"timeout">((resolve) =>
    setTimeout(() => resolve("timeout"), SHUTDOWN_BUDGET_MS).unref(),
  );
  const result = await Promise.race([connector.stop().then(() => "stopped" as const), timeout]);
  if (result === "timeout") logger.warn({}, "shutdown budget spent; leases left will expire");
  await Promise.race([Promise.all([health.close(), storage.close()]), timeout]);
  logger.info({ result }, "connector stopped");
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

/** Test and tuning knobs (ms): CONNECTOR_LEASE_TTL_MS, CONNECTOR_RENEW_MS, CONNECTOR_POLL_MS. */
function loopOverrides(env: NodeJS.ProcessEnv): {
  leaseTtlMs?: number;
  renewEveryMs?: number;
  pollEveryMs?: number;
} {
  const read = (name: string): number | undefined => {
    const n = Number(env[name]);
    return env[name] && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  const o = {
    leaseTtlMs: read("CONNECTOR_LEASE_TTL_MS"),
    renewEveryMs: read("CONNECTOR_RENEW_MS"),
    pollEveryMs: read("CONNECTOR_POLL_MS"),
  };
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
