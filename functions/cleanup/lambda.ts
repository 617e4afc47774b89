import * as Cleanup from "../../core/cleanup/index.js";
import { createStorageFromConfig, linkedResources, resolveConfig } from "../../core/config/index.js";
import { createVault } from "../../core/vault/vault.js";
import { startWebhookDispatcher } from "../../core/webhook/index.js";
import { createLogger } from "../api/logger.js";
import type { CleanupEvent } from "./scheduler-event.js";

/**
 * EventBridge Scheduler entry (`infra/cron.ts`): one cleanup run per invocation over every tenant
 * (DESIGN §7), with the integrity scrub. Config is resolved once per cold start (SST `Resource`,
 * else env) and passed down. `session.integrity_failed` webhooks get their first attempt here;
 * retries are the long-running dispatcher's. Returns (and logs) the counts.
 */
const config = await resolveConfig(process.env, linkedResources());
const storage = createStorageFromConfig(config);
const vault = createVault(storage.blobs, config.masterKey);
const logger = createLogger({ level: config.logLevel });
const deps = { storage, vault, clock: Date.now };
const dispatcher = startWebhookDispatcher(deps, { loop: false });

export async function handler(event: CleanupEvent | null | undefined): Promise<Cleanup.CleanupCounts> {
  const startedAt = Date.now();
  const run = {
    executionId: event?.executionId,
    scheduledTime: event?.scheduledTime,
    attempt: event?.attempt,
  };
  const counts = await Cleanup.runCleanup(
    { ...deps, emit: (e) => dispatcher.emit(e), logger },
    { now: startedAt, unpairedTtlMs: config.whatsapp.unpairedTtlMs },
  );
  logger.info({ ...run, ms: Date.now() - startedAt, ...counts }, "cleanup: scheduled run");
  return counts;
}
