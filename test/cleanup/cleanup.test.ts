import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCleanup } from "../../core/cleanup/index.js";
import { saveAttempt } from "../../core/telegram/login-attempt.js";
import { newLoginId, saveQrAttempt } from "../../core/telegram/qr-login-attempt.js";
import { walKey } from "../../core/whatsapp/auth-state/blob-keys.js";
import { encodeBlob } from "../../core/whatsapp/auth-state/codec.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { blobKeys, createFixture, type Fixture, HOUR, T0, whatsappSession } from "./fixtures.js";

/** Issue 8 item 1: the cleanup job with a controllable clock (must-show), on both adapters. */
describe.each(ADAPTERS)("cleanup job on %s", (adapter) => {
  let ts: TestStorage;
  let f: Fixture;
  beforeEach(async () => {
    ts = await createTestStorage(adapter);
    f = createFixture(ts.storage);
  }, 60_000);
  afterEach(() => ts.dispose());

  /** A blob no restore reads (a compaction interrupted before its deletes): only pruning removes it. */
  const leftover = async (ref: Session.SessionRef): Promise<string> => {
    const key = walKey(ref, { epoch: 1, seq: 0 });
    await f.auth.vault.put(key, encodeBlob("wal", []));
    return key;
  };
  const login = (tenantId: string, phoneCodeHash: string) =>
    saveAttempt(
      f.deps,
      { tenantId, phoneNumber: "+44 7700 900123", phoneCodeHash },
      { apiId: 1, apiHash: "0123456789abcdef0123456789abcdef", sessionString: "1secret" },
    );
  const qrLogin = (tenantId: string) =>
    saveQrAttempt(
      f.deps,
      { tenantId, loginId: newLoginId() },
      {
        apiId: 1,
        apiHash: "0123456789abcdef0123456789abcdef",
        sessionString: "1secret",
        token: Buffer.from("token"),
        tokenExpiresAt: f.now() + 30_000,
        stage: "qr",
        hint: null,
      },
    );

  it("expires unpaired sessions with their blobs, never touches a live lease, drops logins, releases and prunes", async () => {
    const a = (await f.createTenant()).tenantId;
    const b = (await f.createTenant()).tenantId;
    const unpaired = await whatsappSession(f, a, "unpaired");
    const connected = await whatsappSession(f, a, "connected", {
      leaseMs: 48 * HOUR,
      paired: true,
      generations: 2,
    });
    const leasedUnpaired = await whatsappSession(f, a, "leased-unpaired", { leaseMs: 48 * HOUR });
    const deadLease = await whatsappSession(f, a, "dead-lease", {
      leaseMs: 60_000,
      paired: true,
      generations: 2,
    });
    const otherTenant = await whatsappSession(f, b, "b-unpaired");
    const keepConnected = await leftover(connected);
    const keepLeased = await leftover(leasedUnpaired);
    const prune = await leftover(deadLease);
    await f.auth.vault.put(`t/${a}/wa/ghost/snap/0000000001-000000000000`, encodeBlob("snap", []));
    await login(a, "expired-hash");
    await login(a, "orphan-hash");
    await qrLogin(a);
    const orphan = (await ts.storage.records.query(`t#${a}`, { skPrefix: "tglogin#" })).items;
    const before = {
      unpaired: await blobKeys(ts.storage, `t/${a}/wa/unpaired/`),
      other: await blobKeys(ts.storage, `t/${b}/wa/b-unpaired/`),
      connected: await blobKeys(ts.storage, `t/${a}/wa/connected/`),
      leased: await blobKeys(ts.storage, `t/${a}/wa/leased-unpaired/`),
    };
    expect(before.unpaired.length).toBeGreaterThan(0);

    f.setNow(T0 + 25 * HOUR);
    // DynamoDB TTL removed one expired attempt's record and left its blob.
    await ts.storage.records.delete(orphan[1]!);
    await login(a, "fresh-hash");
    const freshQr = await qrLogin(a);
    const counts = await runCleanup(f.deps, { now: f.now() });

    expect(counts).toEqual({
      expired: 2,
      blobsDeleted: before.unpaired.length + before.other.length + 1 + 1 + 2,
      loginsDropped: 3,
      generationsPruned: 1,
      leasesReleased: 1,
      scrubbed: 3,
      integrityFailures: 0,
      deliveriesPruned: 0,
      errors: 0,
    });
    expect(await Session.fromID(f.deps, unpaired)).toBeNull();
    expect(await Session.fromID(f.deps, otherTenant)).toBeNull();
    expect(await blobKeys(ts.storage, `t/${a}/wa/unpaired/`)).toEqual([]);
    expect(await ts.storage.records.get({ pk: `t#${a}`, sk: "wa#unpaired#state" })).toBeNull();
    expect(await blobKeys(ts.storage, `t/${a}/wa/ghost/`)).toEqual([]);
    // Live leases: nothing deleted, nothing pruned, even past expiry.
    expect(await Session.fromID(f.deps, connected)).toMatchObject({ status: "connected", paired: true });
    expect(await blobKeys(ts.storage, `t/${a}/wa/connected/`)).toEqual(before.connected);
    expect(before.connected).toContain(keepConnected);
    const leased = (await Session.fromID(f.deps, leasedUnpaired))!;
    expect(Date.parse(leased.expiresAt!)).toBeLessThan(f.now());
    expect(await blobKeys(ts.storage, `t/${a}/wa/leased-unpaired/`)).toEqual(before.leased);
    expect(before.leased).toContain(keepLeased);
    // The dead lease is cleared (epoch kept) and its leftovers pruned.
    expect(await Session.fromID(f.deps, deadLease)).toMatchObject({ leaseOwner: null, leaseExpiresAt: 0 });
    expect(await blobKeys(ts.storage, `t/${a}/wa/dead-lease/`)).not.toContain(prune);
    // Only the fresh login attempt is left, record and blob.
    expect((await ts.storage.records.query(`t#${a}`, { skPrefix: "tglogin#" })).items).toHaveLength(1);
    expect(await blobKeys(ts.storage, `t/${a}/tg/login/`)).toHaveLength(1);
    const qrLeft = (await ts.storage.records.query(`t#${a}`, { skPrefix: "tgqr#" })).items;
    expect(qrLeft.map((r) => r.sk)).toEqual([`tgqr#${freshQr.loginId}`]);

    // A second run finds nothing left to do.
    expect(await runCleanup(f.deps, { now: f.now() })).toMatchObject({
      expired: 0,
      blobsDeleted: 0,
      loginsDropped: 0,
      leasesReleased: 0,
      scrubbed: 3,
    });
  }, 120_000);

  it("expiry is per session (expiresAt) with the global TTL for sessions without one", async () => {
    const a = (await f.createTenant()).tenantId;
    await Session.create(f.deps, { tenantId: a, sessionId: "short" }, { unpairedTtlMs: HOUR });
    await Session.create(f.deps, { tenantId: a, sessionId: "default" });
    // An unpaired record without expiresAt (older data): the global TTL counts from its last update.
    await Session.create(f.deps, { tenantId: a, sessionId: "legacy" });
    await ts.storage.records.update({ pk: `t#${a}`, sk: "wa#legacy" }, { remove: ["expiresAt"] });

    const at2h = await runCleanup(f.deps, { now: T0 + 2 * HOUR, unpairedTtlMs: 3 * HOUR });
    expect(at2h.expired).toBe(1);
    const at4h = await runCleanup(f.deps, { now: T0 + 4 * HOUR, unpairedTtlMs: 3 * HOUR });
    expect(at4h.expired).toBe(1);
    expect((await Session.list(f.deps, a)).sessions.map((s) => s.sessionId)).toEqual(["default"]);
    expect((await runCleanup(f.deps, { now: T0 + 24 * HOUR })).expired).toBe(1);
  }, 60_000);

  it("POST /v1/sessions/cleanup: admin key cleans every tenant, a tenant key only its own", async () => {
    const a = await f.createTenant();
    const b = await f.createTenant();
    await whatsappSession(f, a.tenantId, "a-unpaired");
    await whatsappSession(f, b.tenantId, "b-unpaired");
    f.setNow(T0 + 25 * HOUR);
    const post = (headers: Record<string, string>) =>
      f.app.request("/v1/sessions/cleanup", { method: "POST", headers });

    expect((await post({})).status).toBe(401);
    const scoped = await post(f.headers(a.apiKey));
    expect(scoped.status).toBe(200);
    expect(await scoped.json()).toMatchObject({ expired: 1, errors: 0 });
    expect(await Session.fromID(f.deps, { tenantId: b.tenantId, sessionId: "b-unpaired" })).not.toBeNull();

    const global = await post(f.headers(f.adminKey));
    expect(global.status).toBe(200);
    expect(await global.json()).toMatchObject({ expired: 1, errors: 0 });
    expect(await Session.fromID(f.deps, { tenantId: b.tenantId, sessionId: "b-unpaired" })).toBeNull();
  }, 60_000);
});
