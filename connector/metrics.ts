import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { SessionEventType, StopReason } from "./types.js";

/**
 * What the connector loop reports as it works, for `GET /metrics` (Prometheus text format, read by
 * a scraper or the CloudWatch agent). Labels are fixed, small sets: never a tenant or session id,
 * so the series count does not grow with sessions.
 */
export interface LoopMetrics {
  leaseTaken(): void;
  /** `expired` (ran out before a renewal came back) or `renewal_refused` (another owner took it). */
  leaseLost(why: "expired" | "renewal_refused"): void;
  runnerStopped(reason: StopReason): void;
  /** How long one lease renewal took against storage. */
  renewed(seconds: number): void;
  /** A renewal that storage failed (not refused): the session runs on until its lease runs out. */
  renewFailed(): void;
}

export interface ConnectorMetrics extends LoopMetrics {
  sessionEvent(type: SessionEventType): void;
  /** The exposition body and its content type, with `owned` sessions held right now. */
  render(owned: number): Promise<{ body: string; contentType: string }>;
}

/** Loop hooks that record nothing (the default, and for tests that do not look). */
export const NO_METRICS: LoopMetrics = {
  leaseTaken: () => {},
  leaseLost: () => {},
  runnerStopped: () => {},
  renewed: () => {},
  renewFailed: () => {},
};

/** Metrics of one connector process, with the Node process's own (CPU, memory, event loop lag). */
export function createConnectorMetrics(options: { capacity: number }): ConnectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const owned = new Gauge({
    name: "sessionvault_connector_sessions_owned",
    help: "Sessions this process holds a live lease on",
    registers: [registry],
  });
  new Gauge({
    name: "sessionvault_connector_capacity",
    help: "Sessions this process takes at most",
    registers: [registry],
  }).set(options.capacity);
  const taken = new Counter({
    name: "sessionvault_connector_leases_taken_total",
    help: "Leases taken (a session started in this process)",
    registers: [registry],
  });
  const lost = new Counter({
    name: "sessionvault_connector_leases_lost_total",
    help: "Leases lost while running: expired locally, or a renewal refused because another owner took over",
    labelNames: ["why"],
    registers: [registry],
  });
  const stopped = new Counter({
    name: "sessionvault_connector_sessions_stopped_total",
    help: "Sessions stopped, by reason",
    labelNames: ["reason"],
    registers: [registry],
  });
  const events = new Counter({
    name: "sessionvault_connector_session_events_total",
    help: "Session events (the ones sent to webhooks), by type",
    labelNames: ["type"],
    registers: [registry],
  });
  const renew = new Histogram({
    name: "sessionvault_connector_lease_renew_seconds",
    help: "Time one lease renewal took against storage",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const renewFailures = new Counter({
    name: "sessionvault_connector_lease_renew_failures_total",
    help: "Lease renewals that storage failed (the session runs on until its lease runs out)",
    registers: [registry],
  });
  return {
    leaseTaken: () => taken.inc(),
    renewFailed: () => renewFailures.inc(),
    leaseLost: (why) => lost.inc({ why }),
    runnerStopped: (reason) => stopped.inc({ reason }),
    renewed: (seconds) => renew.observe(seconds),
    sessionEvent: (type) => events.inc({ type }),
    render: async (held) => {
      owned.set(held);
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
