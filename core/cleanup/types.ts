import type { Logger } from "pino";
import type { Storage } from "../storage/types.js";
import type { Vault } from "../vault/vault.js";
import type { WebhookEvent } from "../webhook/index.js";

/** What the cleanup job and the integrity scrub need. The API's `AppDeps` satisfies it. */
export interface CleanupDeps {
  storage: Storage;
  vault: Vault;
  /** Milliseconds since the epoch; used for webhook timestamps. Decisions use `options.now`. */
  clock: () => number;
  /**
   * Reports a webhook event. Default: `Webhook.enqueue` (a durable delivery the dispatcher loop of
   * a long-running process sends). The Lambda passes a dispatcher's `emit` to attempt it at once.
   */
  emit?: (event: WebhookEvent) => Promise<void>;
  /** Per-session failures are logged here (ids and error codes only, never key material). */
  logger?: Pick<Logger, "warn">;
}

export interface CleanupOptions {
  /** The job's "now" (ms). Everything it decides (expired, live lease) is relative to it. */
  now: number;
  /**
   * Never-paired sessions that carry no `expiresAt` of their own expire this long after their
   * last update. Default `DEFAULT_UNPAIRED_TTL_MS` (24 h). A session's own `expiresAt` wins.
   */
  unpairedTtlMs?: number;
  /** Only this tenant's data (a tenant key calling the route). Default: every tenant. */
  tenantId?: string;
  /** Also verify every stored WhatsApp auth state (default true). */
  scrub?: boolean;
}

/** What one run did. Every count is a number of items acted on in this run. */
export interface CleanupCounts {
  /** Expired WhatsApp sessions removed (record, pointer and blobs). */
  expired: number;
  /** Every blob deleted: expired sessions', dropped logins', orphans' and pruned generations'. */
  blobsDeleted: number;
  /** Expired pre-login Telegram attempts dropped (record and sealed blob, or an orphan blob). */
  loginsDropped: number;
  /** Auth-state blobs pruned (snapshots no longer kept, log no restore reads); also in `blobsDeleted`. */
  generationsPruned: number;
  /** Dead WhatsApp leases (owner set, expiry passed) cleared. */
  leasesReleased: number;
  /** WhatsApp sessions whose stored auth state was read back and checked. */
  scrubbed: number;
  /** Of those, how many failed (marked `degraded`, `session.integrity_failed` emitted on the first). */
  integrityFailures: number;
  /** Finished webhook deliveries older than the retention (30 days) dropped. */
  deliveriesPruned: number;
  /** Sessions or tenants skipped because a step threw (logged); the next run tries again. */
  errors: number;
}

/** All counts at zero. */
export function emptyCounts(): CleanupCounts {
  return {
    expired: 0,
    blobsDeleted: 0,
    loginsDropped: 0,
    generationsPruned: 0,
    leasesReleased: 0,
    scrubbed: 0,
    integrityFailures: 0,
    deliveriesPruned: 0,
    errors: 0,
  };
}
