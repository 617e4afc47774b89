import { afterEach, describe, expect, it } from "vitest";
import { StorageError } from "../core/error.js";
import { createMemoryStorage } from "../core/storage/memory.js";
import type { Records } from "../core/storage/types.js";
import * as WhatsAppSession from "../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../test/helpers/test-storage.js";
import { createConnector } from "./connector.js";
import { createConnectorMetrics } from "./metrics.js";
import { createFakeRunners } from "./testing/fake-runner.js";
import { waitFor } from "./testing/stub-socket.js";

/** Issue 3 must-show: two connectors over the same records never both own a session. */

/** Records that fail every call while `cut()` is true: a connector cut off from storage. */
function partitionable(records: Records, cut: () => boolean): Records {
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      cut() ? Promise.reject(new StorageError("partitioned")) : fn(...args);
  return {
    get: guard(records.get.bind(records)),
    create: guard(records.create.bind(records)),
    update: guard(records.update.bind(records)),
    delete: guard(records.delete.bind(records)),
    query: guard(records.query.bind(records)),
    queryIndex: guard(records.queryIndex.bind(records)),
  };
}

describe.each(["memory", ...ADAPTERS] as const)("two connectors on %s", (adapter) => {
  let test: TestStorage | undefined;
  const timers: NodeJS.Timeout[] = [];
  afterEach(async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    await test?.dispose();
  });

  it("never both own a session while leases expire and are taken over; epochs grow; stale publishes fail", async () => {
    test = await storageFor(adapter);
    let now = 1_700_000_000_000;
    const clock = () => now;
    const ctx = { storage: test.storage, clock };
    const ids = ["s1", "s2", "s3", "s4"];
    for (const sessionId of ids) await WhatsAppSession.create(ctx, { tenantId: "ten_two", sessionId });

    const cut = { a: false, b: false };
    const fakes = { a: createFakeRunners(), b: createFakeRunners() };
    const timing = { leaseTtlMs: 1_000, renewEveryMs: 15, pollEveryMs: 10, safetyMarginMs: 0 };
    const make = (id: "a" | "b") =>
      createConnector(
        {
          records: partitionable(test!.storage.records, () => cut[id]),
          clock,
          startRunner: fakes[id].startRunner,
        },
        { id, capacity: ids.length, ...timing },
      );
    const connectors = { a: make("a"), b: make("b") };

    // The fake clock runs 4x real time; ownership is sampled every 2 ms throughout.
    timers.push(setInterval(() => (now += 20), 5));
    let samples = 0;
    const overlaps: string[] = [];
    timers.push(
      setInterval(() => {
        const b = new Set(connectors.b.owned());
        for (const key of connectors.a.owned()) if (b.has(key)) overlaps.push(`${key} at ${now}`);
        samples++;
      }, 2),
    );

    connectors.a.start();
    connectors.b.start();
    const ownedBy = (id: "a" | "b") => connectors[id].owned().length;
    await waitFor(() => ownedBy("a") + ownedBy("b") === ids.length, 10_000, "all sessions owned");

    // Cut off whichever holds sessions; the other must take every one of them over, in turn.
    for (let round = 0; round < 4; round++) {
      const victim = ownedBy("a") > 0 ? "a" : "b";
      const other = victim === "a" ? "b" : "a";
      cut[victim] = true;
      await waitFor(() => ownedBy(other) === ids.length, 15_000, `round ${round}: ${other} owns all`);
      expect(ownedBy(victim)).toBe(0);
      cut[victim] = false;
    }
    await Promise.all([connectors.a.stop(), connectors.b.stop()]);

    expect(overlaps).toEqual([]);
    expect(samples).toBeGreaterThan(100);
    const runs = [...fakes.a.runs, ...fakes.b.runs];
    for (const sessionId of ids) {
      const epochs = runs.filter((r) => r.lease.sessionId === sessionId).map((r) => r.lease.epoch);
      // Round 0 moves only the victim's share; rounds 1-3 each move every session: at least 1 + 3 runs.
      expect(epochs.length).toBeGreaterThanOrEqual(4);
      expect(new Set(epochs).size).toBe(epochs.length);
      // Each takeover is a higher epoch than every one before it.
      const byEpoch = [...epochs].sort((x, y) => x - y);
      expect(byEpoch[byEpoch.length - 1]).toBe(
        (await WhatsAppSession.fromID(ctx, { tenantId: "ten_two", sessionId }))!.epoch,
      );
    }
    // Every run that a later epoch took over ended because its lease was lost, not otherwise.
    const superseded = ids.flatMap((sessionId) =>
      runs
        .filter((r) => r.lease.sessionId === sessionId)
        .sort((x, y) => x.lease.epoch - y.lease.epoch)
        .slice(0, -1),
    );
    expect(superseded.length).toBeGreaterThanOrEqual(3 * ids.length);
    expect(superseded.map((r) => r.stoppedWith)).toEqual(superseded.map(() => "lease_lost"));
    const lost = superseded;
    for (const stale of lost.slice(0, 4)) {
      await expect(WhatsAppSession.publish(ctx, stale.lease, { status: "connected" })).rejects.toBeInstanceOf(
        WhatsAppSession.LeaseLostError,
      );
    }
    // Graceful stop released what was held.
    for (const sessionId of ids) {
      expect((await WhatsAppSession.fromID(ctx, { tenantId: "ten_two", sessionId }))!.leaseOwner).toBeNull();
    }
  });

  it("on stop, a lease that ran out before the expiry check is stopped as lost, not as a shutdown", async () => {
    test = await storageFor(adapter);
    let now = 1_700_000_000_000;
    const ctx = { storage: test.storage, clock: () => now };
    await WhatsAppSession.create(ctx, { tenantId: "ten_exp", sessionId: "e1" });
    const fakes = createFakeRunners();
    const metrics = createConnectorMetrics({ capacity: 1 });
    // Timers far apart: between two checks the lease runs out, as under a starved event loop.
    const c = createConnector(
      { records: test.storage.records, clock: () => now, startRunner: fakes.startRunner, metrics },
      {
        id: "slow",
        capacity: 1,
        leaseTtlMs: 1_000,
        renewEveryMs: 60_000,
        pollEveryMs: 60_000,
        safetyMarginMs: 0,
      },
    );
    c.start();
    await waitFor(() => c.owned().length === 1, 5_000, "lease taken");
    now += 1_001;
    expect(c.owned()).toEqual([]);
    await c.stop();
    expect(fakes.runs.map((r) => r.stoppedWith)).toEqual(["lease_lost"]);
    const { body } = await metrics.render(c.owned().length);
    expect(body).toContain("sessionvault_connector_leases_taken_total 1\n");
    expect(body).toContain('sessionvault_connector_leases_lost_total{why="expired"} 1\n');
    expect(body).toContain('sessionvault_connector_sessions_stopped_total{reason="lease_lost"} 1\n');
    expect(body).toContain("sessionvault_connector_sessions_owned 0\n");
    expect(body).not.toContain('reason="shutdown"');
  });

  it("takes no more than its capacity", async () => {
    test = await storageFor(adapter);
    const ctx = { storage: test.storage, clock: Date.now };
    for (const sessionId of ["c1", "c2", "c3"])
      await WhatsAppSession.create(ctx, { tenantId: "ten_cap", sessionId });
    const fakes = createFakeRunners();
    const c = createConnector(
      { records: test.storage.records, startRunner: fakes.startRunner },
      { id: "solo", capacity: 2, pollEveryMs: 10, renewEveryMs: 50 },
    );
    c.start();
    await waitFor(() => c.owned().length === 2, 5_000, "two owned");
    await new Promise((r) => setTimeout(r, 100));
    expect(c.owned()).toHaveLength(2);
    expect(fakes.runs).toHaveLength(2);
    await c.stop();
  });
});

/** Fresh storage for one test: in memory, or a test adapter (DynamoDB Local + s3rver, or files). */
async function storageFor(adapter: "memory" | (typeof ADAPTERS)[number]): Promise<TestStorage> {
  if (adapter === "memory") return { storage: createMemoryStorage(), env: {}, dispose: async () => {} };
  return createTestStorage(adapter);
}
