import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../core/storage/memory.js";
import type { Records } from "../core/storage/types.js";
import { createVault } from "../core/vault/vault.js";
import { openAuthState } from "../core/whatsapp/auth-state/index.js";
import * as WhatsAppSession from "../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../test/helpers/test-storage.js";
import { startConnector } from "./start.js";
import { createStubSocketFactory, waitFor } from "./testing/stub-socket.js";

/** The connector loop with the real session runner and auth state, against stub sockets. */

const tenantId = "ten_conn";
const keyPair = (n: number) => ({
  public: new Uint8Array(32).fill(n),
  private: new Uint8Array(32).fill(n + 1),
});

function memory(): TestStorage {
  return { storage: createMemoryStorage(), env: {}, dispose: async () => {} };
}

async function start(
  records: Records,
  vault: ReturnType<typeof createVault>,
  opts: { id: string; clock?: () => number; renewEveryMs?: number; leaseTtlMs?: number },
) {
  const stubs = createStubSocketFactory();
  const connector = await startConnector({
    storage: { records },
    vault,
    config: { connector: { id: opts.id, capacity: 10, port: 0 }, whatsapp: {} },
    createSocket: stubs.createSocket,
    ...(opts.clock ? { clock: opts.clock } : {}),
    loop: {
      pollEveryMs: 10,
      renewEveryMs: opts.renewEveryMs ?? 20,
      leaseTtlMs: opts.leaseTtlMs ?? 2_000,
      safetyMarginMs: 0,
    },
  });
  return { connector, stubs };
}

describe("connector with the session runner (memory)", () => {
  it("stops the socket at once when a renewal fails, before any other storage call", async () => {
    const { storage } = memory();
    const log: string[] = [];
    const records: Records = {
      ...storage.records,
      get: async (key) => {
        const row = await storage.records.get(key);
        log.push(`get:${row?.attrs.leaseOwner ?? "-"}`);
        return row;
      },
      update: async (...args) => {
        log.push("update");
        return storage.records.update(...args);
      },
    };
    const vault = createVault(storage.blobs, randomBytes(32));
    const ctx = { storage, clock: Date.now };
    const ref = { tenantId, sessionId: "r1" };
    await WhatsAppSession.create(ctx, ref);
    const { connector, stubs } = await start(records, vault, { id: "c1" });
    const sock = await stubs.nth(1);
    const originalEnd = sock.end;
    sock.end = (error) => {
      log.push("end");
      return originalEnd(error);
    };
    sock.open();
    await waitFor(async () => (await WhatsAppSession.fromID(ctx, ref))?.status === "connected");
    // Someone else takes the lease over (as after a long pause of this process).
    const current = (await storage.records.get({ pk: `t#${tenantId}`, sk: "wa#r1" }))!;
    await storage.records.update(
      { pk: `t#${tenantId}`, sk: "wa#r1" },
      {
        set: {
          leaseOwner: "intruder",
          epoch: Number(current.attrs.epoch) + 1,
          leaseExpiresAt: Date.now() + 60_000,
        },
      },
    );
    await waitFor(() => sock.ended, 2_000, "socket ended");
    const seen = log.indexOf("get:intruder");
    expect(log[seen + 1]).toBe("end");
    expect(connector.owned()).toEqual([]);
    expect((await WhatsAppSession.fromID(ctx, ref))?.leaseOwner).toBe("intruder");
    await connector.stop();
  });

  it("desired=disconnected: stops, publishes disconnected and releases; requestConnect brings it back", async () => {
    const { storage } = memory();
    const vault = createVault(storage.blobs, randomBytes(32));
    const ctx = { storage, clock: Date.now };
    const ref = { tenantId, sessionId: "d1" };
    await WhatsAppSession.create(ctx, ref);
    const { connector, stubs } = await start(storage.records, vault, { id: "c1" });
    const sock = await stubs.nth(1);
    sock.open();
    await waitFor(async () => (await WhatsAppSession.fromID(ctx, ref))?.status === "connected");
    await WhatsAppSession.requestDisconnect(ctx, ref);
    await waitFor(
      async () => (await WhatsAppSession.fromID(ctx, ref))?.leaseOwner === null,
      3_000,
      "released",
    );
    expect(sock.ended).toBe(true);
    expect(await WhatsAppSession.fromID(ctx, ref)).toMatchObject({
      status: "disconnected",
      desired: "disconnected",
    });
    expect(connector.owned()).toEqual([]);
    await WhatsAppSession.requestConnect(ctx, ref);
    const again = await stubs.nth(2);
    expect(again.auth.creds.me?.id).toBeTruthy();
    expect((await WhatsAppSession.fromID(ctx, ref))?.epoch).toBe(2);
    await connector.stop();
  });

  it("logout on request: unlinks the device, wipes key material, logged_out", async () => {
    const { storage } = memory();
    const vault = createVault(storage.blobs, randomBytes(32));
    const ctx = { storage, clock: Date.now };
    const ref = { tenantId, sessionId: "l1" };
    await WhatsAppSession.create(ctx, ref);
    const { connector, stubs } = await start(storage.records, vault, { id: "c1" });
    const sock = await stubs.nth(1);
    sock.open();
    await waitFor(async () => (await WhatsAppSession.fromID(ctx, ref))?.status === "connected");
    await WhatsAppSession.requestDisconnect(ctx, ref, { logout: true });
    await waitFor(
      async () => (await WhatsAppSession.fromID(ctx, ref))?.status === "logged_out",
      3_000,
      "logged out",
    );
    expect(sock.loggedOut).toBe(true);
    await waitFor(async () => (await vault.listAll(`t/${tenantId}/wa/l1/`)).length === 0, 3_000, "wiped");
    await connector.stop();
  });
});

describe.each(["memory", ...ADAPTERS] as const)("fencing through the connector on %s", (adapter) => {
  let test: TestStorage | undefined;
  afterEach(async () => test?.dispose());

  it("a stale owner's writes after a takeover are never replayed, and its publish stops it", async () => {
    test = adapter === "memory" ? memory() : await createTestStorage(adapter);
    const { storage } = test;
    const vault = createVault(storage.blobs, randomBytes(32));
    const nowA = 1_700_000_000_000;
    let nowB = nowA;
    const ctx = { storage, clock: () => nowB };
    const ref = { tenantId, sessionId: "f1" };
    await WhatsAppSession.create(ctx, ref);

    // A: a process whose clock stands still and which does not renew (paused), so it still believes.
    const a = await start(storage.records, vault, { id: "a", clock: () => nowA, renewEveryMs: 3_600_000 });
    const sockA = await a.stubs.nth(1);
    sockA.open();
    await waitFor(
      async () => (await WhatsAppSession.fromID(ctx, ref))?.status === "connected",
      5_000,
      "A connected",
    );
    await sockA.auth.keys.set({ "pre-key": { "1": keyPair(1) } });

    // B's clock is past A's lease: B takes over (epoch 2) and restores.
    nowB += 5_000;
    const b = await start(storage.records, vault, { id: "b", clock: () => nowB });
    const sockB = await b.stubs.nth(1, 20_000);
    expect((await WhatsAppSession.fromID(ctx, ref))!).toMatchObject({ leaseOwner: "b", epoch: 2 });
    expect(Object.keys(await sockB.auth.keys.get("pre-key", ["1"]))).toEqual(["1"]);

    // A, unaware, keeps writing keys under epoch 1 ...
    expect(a.connector.owned()).toEqual([`${tenantId}/f1`]);
    const staleLog = async () => (await vault.listAll(`t/${tenantId}/wa/f1/wal/0000000001/`)).length;
    const before = await staleLog();
    await sockA.auth.keys.set({ "pre-key": { "666": keyPair(6) } });
    expect(await staleLog()).toBe(before + 1);
    // ... until it publishes anything: its lease is gone, so it stops at once.
    sockA.emitUpdate({ connection: "open" });
    await waitFor(() => sockA.ended, 3_000, "A's socket ended");
    await waitFor(() => a.connector.owned().length === 0, 3_000, "A let go");

    await b.connector.stop();
    await a.connector.stop();
    const restored = await openAuthState({ records: storage.records, vault }, ref);
    expect(Object.keys(await restored.state.keys.get("pre-key", ["1", "666"]))).toEqual(["1"]);
    await restored.close();
  }, 60_000);
});
