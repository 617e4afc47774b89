import type { Records } from "../core/storage/types.js";
import * as WhatsAppSession from "../core/whatsapp/session/index.js";
import { type LoopMetrics, NO_METRICS } from "./metrics.js";
import { type Logger, type Runner, SILENT_LOGGER, type StartRunner, type StopReason } from "./types.js";

export interface ConnectorOptions {
  /** This process's lease owner name (`CONNECTOR_ID`). */
  id: string;
  /** Most sessions held at once (`CONNECTOR_CAPACITY`). */
  capacity: number;
  /** Lease length. Default 30 s. */
  leaseTtlMs?: number;
  /** Renewal period, well before expiry. Default 10 s. */
  renewEveryMs?: number;
  /** How often free or expired leases are looked for. Default 2 s. */
  pollEveryMs?: number;
  /** Treat a lease as lost this long before it expires (clock skew between hosts). Default 1 s. */
  safetyMarginMs?: number;
}

export interface ConnectorDeps {
  records: Records;
  clock?: () => number;
  startRunner: StartRunner;
  logger?: Logger;
  /** Default: none recorded. */
  metrics?: LoopMetrics;
}

/** The loop that owns sessions by lease. */
export interface Connector {
  /** Starts polling and renewing. */
  start(): void;
  /** Stops every runner (`shutdown`: flushed, `disconnected`) and releases their leases. */
  stop(): Promise<void>;
  /** `<tenantId>/<sessionId>` of every session this connector holds an unexpired lease on, by its clock. */
  owned(): string[];
}

interface Held {
  lease: WhatsAppSession.LeaseRef;
  /** Local view of the lease end: taken before the write, minus the safety margin, so never later than the stored one. */
  expiresAt: number;
  runner: Runner;
  /** Set once the loop is stopping this runner: settles when stopped (and released, when it should be). */
  closing?: Promise<void>;
}

/**
 * One connector process (DESIGN §4 scale-out): takes free or expired leases up to `capacity`,
 * runs each session, renews every `renewEveryMs`, and stops a runner at once when its renewal
 * fails or its lease runs out locally; stops and releases when the API asks for disconnected.
 * Nothing but the record store coordinates connectors.
 */
export function createConnector(deps: ConnectorDeps, options: ConnectorOptions): Connector {
  const o = {
    leaseTtlMs: 30_000,
    renewEveryMs: 10_000,
    pollEveryMs: 2_000,
    safetyMarginMs: 1_000,
    ...options,
  };
  const clock = deps.clock ?? Date.now;
  const log = deps.logger ?? SILENT_LOGGER;
  const metrics = deps.metrics ?? NO_METRICS;
  const ctx = { storage: { records: deps.records }, clock };
  const held = new Map<string, Held>();
  const losing = new Set<Promise<void>>();
  let acquiring = 0;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  const busy = { poll: false, renew: false };

  const localExpiry = (takenAt: number): number => takenAt + o.leaseTtlMs - o.safetyMarginMs;

  function lose(key: string, h: Held, why: "expired" | "renewal_refused"): void {
    held.delete(key);
    metrics.leaseLost(why);
    metrics.runnerStopped("lease_lost");
    log.warn({ ...h.lease, why }, "lease lost; session stopped");
    const closing = h.runner.stop("lease_lost").catch(() => {});
    h.closing = closing;
    // Kept until it settles, so that stop() also waits for runners still closing after a loss.
    losing.add(closing);
    void closing.finally(() => losing.delete(closing));
  }

  function expireLocally(): void {
    const now = clock();
    for (const [key, h] of held) if (!h.closing && now >= h.expiresAt) lose(key, h, "expired");
  }

  function stopAndRelease(key: string, h: Held, reason: StopReason): Promise<void> {
    h.closing ??= (async () => {
      metrics.runnerStopped(reason);
      await h.runner
        .stop(reason)
        .catch((e) => log.error({ ...h.lease, err: String(e) }, "runner stop failed"));
      if (held.get(key) === h) held.delete(key);
      await WhatsAppSession.releaseLease(ctx, h.lease).catch((e) =>
        log.warn({ ...h.lease, err: String(e) }, "lease release failed; it will expire"),
      );
    })();
    return h.closing;
  }

  async function take(ref: WhatsAppSession.SessionRef): Promise<void> {
    const key = keyOf(ref);
    const takenAt = clock();
    const epoch = await WhatsAppSession.acquireLease(ctx, ref, o.id, o.leaseTtlMs);
    if (epoch === null) return;
    const lease = { ...ref, owner: o.id, epoch };
    if (stopping || held.has(key)) {
      await WhatsAppSession.releaseLease(ctx, lease);
      return;
    }
    log.info({ ...ref, epoch }, "lease taken; starting session");
    metrics.leaseTaken();
    const h: Held = {
      lease,
      expiresAt: localExpiry(takenAt),
      runner: deps.startRunner(lease),
    };
    held.set(key, h);
    // A runner that ends on its own (logged out, conflict, failed) gives its lease back.
    void h.runner.done.then(() => stopAndRelease(key, h, "shutdown"));
  }

  async function poll(): Promise<void> {
    expireLocally();
    const room = o.capacity - held.size - acquiring;
    if (stopping || room <= 0) return;
    const refs = await WhatsAppSession.listClaimable(ctx, Math.min(1000, room * 2 + 5));
    for (const ref of refs) {
      if (stopping || held.size >= o.capacity) break;
      if (held.has(keyOf(ref))) continue;
      acquiring++;
      await take(ref).finally(() => acquiring--);
    }
  }

  async function renewOne(key: string, h: Held): Promise<void> {
    const takenAt = clock();
    const started = performance.now();
    const session = await WhatsAppSession.renewLease(ctx, h.lease, o.leaseTtlMs);
    metrics.renewed((performance.now() - started) / 1000);
    if (held.get(key) !== h || h.closing) return;
    if (session === null) return lose(key, h, "renewal_refused");
    h.expiresAt = localExpiry(takenAt);
    if (session.desired === "disconnected") {
      log.info({ ...h.lease }, "desired disconnected; stopping session");
      await stopAndRelease(key, h, session.logoutRequested ? "logout" : "desired_disconnected");
    }
  }

  async function renewAll(): Promise<void> {
    const all = [...held].filter(([, h]) => !h.closing);
    await Promise.all(
      all.map(([key, h]) =>
        // A storage error is not a lost lease: keep running until the lease runs out locally.
        renewOne(key, h).catch((e) => {
          metrics.renewFailed();
          log.warn({ ...h.lease, err: String(e) }, "lease renewal failed");
        }),
      ),
    );
    expireLocally();
  }

  const every = (ms: number, name: keyof typeof busy, fn: () => Promise<void>): void => {
    const run = (): void => {
      if (busy[name] || stopping) return;
      busy[name] = true;
      fn()
        .catch((e) => log.error({ err: String(e) }, `connector ${name} failed`))
        .finally(() => (busy[name] = false));
    };
    timers.push(setInterval(run, ms));
    run();
  };

  return {
    start() {
      every(o.pollEveryMs, "poll", poll);
      every(o.renewEveryMs, "renew", renewAll);
      // Local expiry is checked often, independent of slow storage calls.
      timers.push(setInterval(expireLocally, Math.max(5, Math.min(o.pollEveryMs, 1_000))));
    },
    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      // A lease that ran out before the expiry check came round is lost, not ours to release:
      // another connector may hold it already.
      expireLocally();
      await Promise.all([...[...held].map(([key, h]) => stopAndRelease(key, h, "shutdown")), ...[...losing]]);
    },
    owned() {
      const now = clock();
      return [...held].filter(([, h]) => now < h.expiresAt).map(([key]) => key);
    },
  };
}

// --- Internal helpers ---

function keyOf(ref: WhatsAppSession.SessionRef): string {
  return `${ref.tenantId}/${ref.sessionId}`;
}
