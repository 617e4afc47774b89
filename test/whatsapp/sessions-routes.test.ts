import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wipeAuthState } from "../../core/whatsapp/auth-state/index.js";
import * as Lifecycle from "../../core/whatsapp/lifecycle/index.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { type AppHarness, createAppHarness, type HarnessTenant } from "../helpers/app-harness.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { authFolder, blobKeys, type JsonResponse, observe, observeConnected } from "./fixtures.js";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe.each(ADAPTERS)("WhatsApp session routes on %s", (adapter) => {
  let store: TestStorage;
  let h: AppHarness;
  beforeAll(async () => {
    store = await createTestStorage(adapter);
    h = createAppHarness(store.storage);
  });
  afterAll(() => store.dispose());

  const call = async (
    t: HarnessTenant,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<JsonResponse> =>
    h.app.request(`/v1/whatsapp/sessions${path}`, {
      method,
      headers: { ...h.headers(t.apiKey, body !== undefined), ...extra },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const importFolder = (t: HarnessTenant, id: string, files: Record<string, string>) =>
    call(t, "POST", `/${id}/import`, files);

  it("POST creates (201 with a generated id), returns a connected one as is (200) and reconnects an idle one", async () => {
    const t = await h.createTenant();
    const fresh = await call(t, "POST", "", {});
    expect(fresh.status).toBe(201);
    expect(await fresh.json()).toEqual({ sessionId: expect.stringMatching(/^wa_/), status: "pending" });

    const named = await call(t, "POST", "", {
      sessionId: "sales",
      phoneNumber: "+15550001111",
    });
    expect(named.status).toBe(201);
    await observeConnected(h.deps, { tenantId: t.tenantId, sessionId: "sales" });
    const again = await call(t, "POST", "", { sessionId: "sales" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ sessionId: "sales", status: "connected" });

    await call(t, "POST", "/sales/disconnect");
    const lease = await observe(
      h.deps,
      { tenantId: t.tenantId, sessionId: "sales" },
      { status: "disconnected" },
    );
    await Session.releaseLease(h.deps, lease);
    const reconnect = await call(t, "POST", "", { sessionId: "sales" });
    expect(reconnect.status).toBe(200);
    expect(await reconnect.json()).toEqual({ sessionId: "sales", status: "pending" });
    expect((await (await call(t, "GET", "/sales")).json()).desired).toBe("connected");

    const bad = await call(t, "POST", "", { sessionId: "no spaces/allowed" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).code).toBe("validation_failed");
  });

  it("a new or reconnected unpaired session expires after the configured TTL (SESSIONVAULT_UNPAIRED_TTL_HOURS)", async () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const short = createAppHarness(store.storage, {
      clock: () => now,
      config: { adminKey: "ttl-admin-key", unpairedTtlMs: 2 * 3_600_000 },
    });
    const t = await short.createTenant();
    const res = await short.app.request("/v1/whatsapp/sessions", {
      method: "POST",
      headers: short.headers(t.apiKey, true),
      body: JSON.stringify({ sessionId: "ttl" }),
    });
    expect(res.status).toBe(201);
    const ref = { tenantId: t.tenantId, sessionId: "ttl" };
    expect((await Session.fromID(short.deps, ref))?.expiresAt).toBe("2026-12-01T12:00:00.000Z");
    now += 3_600_000;
    await short.app.request("/v1/whatsapp/sessions", {
      method: "POST",
      headers: short.headers(t.apiKey, true),
      body: JSON.stringify({ sessionId: "ttl" }),
    });
    expect((await Session.fromID(short.deps, ref))?.expiresAt).toBe("2026-12-01T13:00:00.000Z");
  });

  it("GET lists the tenant's sessions with cursor paging, and shows status, account and last error", async () => {
    const t = await h.createTenant();
    for (const id of ["a1", "a2", "a3"]) await call(t, "POST", "", { sessionId: id });
    await observeConnected(h.deps, { tenantId: t.tenantId, sessionId: "a2" });
    const first = await (await call(t, "GET", "?limit=2")).json();
    expect(first.count).toBe(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await (
      await call(t, "GET", `?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)
    ).json();
    const ids = [...first.sessions, ...rest.sessions].map((s: { sessionId: string }) => s.sessionId);
    expect(ids).toEqual(["a1", "a2", "a3"]);
    expect(rest.nextCursor).toBeNull();

    const a2 = await (await call(t, "GET", "/a2")).json();
    expect(a2).toMatchObject({
      sessionId: "a2",
      status: "connected",
      paired: true,
      phone: "15551234567",
      name: "Fixture Bot",
      connectedAt: expect.any(String),
      lastSeenAt: expect.any(String),
      lastError: null,
      expiresAt: null,
    });
    expect(a2).not.toHaveProperty("qr");
    await observe(
      h.deps,
      { tenantId: t.tenantId, sessionId: "a3" },
      {
        status: "failed",
        lastError: { code: "reconnect_loop", reason: "10 reconnects in 60 s" },
      },
    );
    expect((await (await call(t, "GET", "/a3")).json()).lastError).toEqual({
      code: "reconnect_loop",
      reason: "10 reconnects in 60 s",
    });
    const missing = await call(t, "GET", "/nope");
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe("whatsapp.session_not_found");
    expect((await call(t, "GET", "?limit=0")).status).toBe(400);
    const badCursor = await call(t, "GET", "?cursor=not-a-cursor");
    expect([badCursor.status, (await badCursor.json()).code]).toEqual([400, "invalid_cursor"]);
  });

  it("QR: JSON, a real PNG with Accept: image/png, 404 whatsapp.no_qr before or after it, 409 once connected", async () => {
    const t = await h.createTenant();
    await call(t, "POST", "", { sessionId: "q" });
    const ref = { tenantId: t.tenantId, sessionId: "q" };
    const none = await call(t, "GET", "/q/qr");
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: "whatsapp.no_qr", status: 404, sessionId: "q" });

    const qr = "2@Zm9vYmFy,bm9pc2U=,aWRlbnQ=,YWR2";
    await observe(h.deps, ref, { status: "qr", qr, qrExpiresAt: h.deps.clock() + 60_000 });
    const raw = await call(t, "GET", "/q/qr");
    expect(raw.status).toBe(200);
    expect(raw.headers.get("cache-control")).toBe("no-store");
    expect(await raw.json()).toEqual({ qr, expiresAt: expect.any(String) });
    const png = await call(t, "GET", "/q/qr", undefined, { accept: "image/png" });
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect([...bytes.subarray(0, 8)]).toEqual(PNG_MAGIC);
    expect(bytes.length).toBeGreaterThan(200);

    await observe(h.deps, ref, { qrExpiresAt: h.deps.clock() - 1 });
    expect((await (await call(t, "GET", "/q/qr")).json()).code).toBe("whatsapp.no_qr");
    await observeConnected(h.deps, ref);
    const connected = await call(t, "GET", "/q/qr");
    expect(connected.status).toBe(409);
    expect((await connected.json()).code).toBe("whatsapp.session_connected");
  });

  it("pairing code: 404 until the connector publishes it, then {pairingCode}", async () => {
    const t = await h.createTenant();
    await call(t, "POST", "", { sessionId: "p", phoneNumber: "+15550001111" });
    const none = await call(t, "GET", "/p/pairing-code");
    expect(none.status).toBe(404);
    expect((await none.json()).code).toBe("whatsapp.no_pairing_code");
    await observe(
      h.deps,
      { tenantId: t.tenantId, sessionId: "p" },
      { status: "qr", pairingCode: "ABCD1234" },
    );
    const res = await call(t, "GET", "/p/pairing-code");
    expect(await res.json()).toEqual({ pairingCode: "ABCD1234", phoneNumber: "15550001111" });
  });

  it("reuse answers reused true/false with a reason (seed 000), and 404 in the same shape for an unknown id", async () => {
    const t = await h.createTenant();
    const reuse = async (id: string) => (await call(t, "POST", `/${id}/reuse`)).json();
    const unknown = await call(t, "POST", "/ghost/reuse");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      reused: false,
      sessionId: "ghost",
      reason: "session_not_found",
    });

    await call(t, "POST", "", { sessionId: "r" });
    expect(await reuse("r")).toMatchObject({ reused: false, reason: "no_credentials" });
    await call(t, "POST", "/r/disconnect");
    expect((await importFolder(t, "r", authFolder({ paired: false }))).status).toBe(200);
    expect(await reuse("r")).toMatchObject({ reused: false, reason: "not_paired" });
    expect((await importFolder(t, "r", authFolder())).status).toBe(200);
    expect(await reuse("r")).toEqual({ reused: true, sessionId: "r", status: "pending" });
    expect((await (await call(t, "GET", "/r")).json()).desired).toBe("connected");

    const ref = { tenantId: t.tenantId, sessionId: "r" };
    await observe(h.deps, ref, { status: "logged_out", desired: "disconnected" });
    expect(await reuse("r")).toMatchObject({ reused: false, sessionId: "r", reason: "logged_out" });
  });

  it("disconnect keeps the credentials; delete of an idle paired session has a connector log it out, then wipes everything (204)", async () => {
    const t = await h.createTenant({ scopes: ["export"] });
    await call(t, "POST", "", { sessionId: "d" });
    await call(t, "POST", "/d/disconnect");
    await importFolder(t, "d", authFolder());
    const lease = await observeConnected(h.deps, { tenantId: t.tenantId, sessionId: "d" });
    const stopped = await call(t, "POST", "/d/disconnect");
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ sessionId: "d", desired: "disconnected" });
    await Session.releaseLease(h.deps, lease); // the connector stopped it
    expect((await call(t, "GET", "/d/export?format=json")).status).toBe(200);

    const prefix = `t/${t.tenantId}/wa/d/`;
    expect((await blobKeys(store.storage, prefix)).length).toBeGreaterThan(0);
    const connector = fakeConnectorIdleLogout(h, { tenantId: t.tenantId, sessionId: "d" });
    expect((await call(t, "DELETE", "/d")).status).toBe(204);
    expect(await connector).toBe("logged out");
    expect(await blobKeys(store.storage, prefix)).toEqual([]);
    expect((await call(t, "GET", "/d")).status).toBe(404);
    expect((await call(t, "DELETE", "/d")).status).toBe(404);
    expect((await call(t, "POST", "/d/disconnect")).status).toBe(404);
    expect((await call(t, "POST", "", { sessionId: "d" })).status).toBe(201); // the id is free again, state fresh
    expect((await call(t, "POST", "/d/reuse")).status).toBe(200);
    expect(await (await call(t, "POST", "/d/reuse")).json()).toMatchObject({ reason: "no_credentials" });

    // Never paired: nothing to unlink, deleted at once. Paired with no connector to answer:
    // deleted after the wait, out of the connector index first, and said not to be unlinked.
    const ref = { tenantId: t.tenantId, sessionId: "d" };
    const startedAt = Date.now();
    expect(await Lifecycle.removeSession(h.deps, ref, { logoutWaitMs: 5_000 })).toMatchObject({
      loggedOut: false,
    });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    await call(t, "POST", "", { sessionId: "lonely" });
    await call(t, "POST", "/lonely/disconnect");
    await importFolder(t, "lonely", authFolder());
    const lonely = { tenantId: t.tenantId, sessionId: "lonely" };
    expect((await Session.fromID(h.deps, lonely))?.paired).toBe(true);
    expect(await Lifecycle.removeSession(h.deps, lonely, { logoutWaitMs: 300 })).toMatchObject({
      loggedOut: false,
    });
    expect(await Session.fromID(h.deps, lonely)).toBeNull();
    expect(await blobKeys(store.storage, `t/${t.tenantId}/wa/lonely/`)).toEqual([]);
  });

  it("delete of a running session: its connector is asked to log out first, then everything is wiped (204)", async () => {
    const t = await h.createTenant();
    await call(t, "POST", "", { sessionId: "live" });
    await call(t, "POST", "/live/disconnect");
    await importFolder(t, "live", authFolder());
    const ref = { tenantId: t.tenantId, sessionId: "live" };
    const lease = await observeConnected(h.deps, ref);
    const connector = fakeConnectorLogout(h, lease);
    const res = await call(t, "DELETE", "/live");
    expect(res.status).toBe(204);
    expect(await connector).toBe("logged out");
    expect(await blobKeys(store.storage, `t/${t.tenantId}/wa/live/`)).toEqual([]);
    expect(await Session.fromID(h.deps, ref)).toBeNull();

    // An owner that never answers (it died; its lease has not run out): removed anyway, not unlinked.
    await call(t, "POST", "", { sessionId: "dead" });
    await call(t, "POST", "/dead/disconnect");
    await importFolder(t, "dead", authFolder());
    const deadRef = { tenantId: t.tenantId, sessionId: "dead" };
    await observeConnected(h.deps, deadRef);
    expect(await Lifecycle.removeSession(h.deps, deadRef, { logoutWaitMs: 300 })).toMatchObject({
      loggedOut: false,
    });
    expect(await Session.fromID(h.deps, deadRef)).toBeNull();
    expect(await blobKeys(store.storage, `t/${t.tenantId}/wa/dead/`)).toEqual([]);
  });

  it("tenant isolation: another tenant's key gets 404 on every route and never sees the session in its list", async () => {
    const owner = await h.createTenant({ scopes: ["export"] });
    const other = await h.createTenant({ scopes: ["export"] });
    await call(owner, "POST", "", { sessionId: "mine" });
    await call(owner, "POST", "/mine/disconnect");
    await importFolder(owner, "mine", authFolder());
    await observe(
      h.deps,
      { tenantId: owner.tenantId, sessionId: "mine" },
      { status: "qr", qr: "2@x", pairingCode: "AAAA1111" },
    );
    const attempts: [string, string, unknown?][] = [
      ["GET", "/mine"],
      ["GET", "/mine/qr"],
      ["GET", "/mine/pairing-code"],
      ["POST", "/mine/reuse"],
      ["POST", "/mine/disconnect"],
      ["GET", "/mine/export?format=json"],
      ["GET", "/mine/backups"],
      ["POST", "/mine/backups/1/restore"],
      ["DELETE", "/mine"],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(other, method, path, body);
      expect(`${method} ${path} -> ${res.status}`).toBe(`${method} ${path} -> 404`);
    }
    expect((await (await call(other, "GET", "")).json()).sessions).toEqual([]);
    const same = await call(other, "POST", "", { sessionId: "mine" });
    expect(same.status).toBe(201); // its own session with that name, not the owner's
    await call(other, "POST", "/mine/disconnect");
    const imported = await call(other, "POST", "/mine/import", authFolder());
    expect([imported.status, (await imported.json()).created]).toEqual([200, false]); // into its own
    const mine = await (await call(owner, "GET", "/mine")).json();
    expect(mine).toMatchObject({ status: "qr", desired: "disconnected" });
    expect((await call(owner, "GET", "/mine/pairing-code")).status).toBe(200);
    expect((await call(t0(owner), "GET", "")).status).toBe(401);
  });
});

/** The same tenant with a key that does not exist. */
function t0(t: HarnessTenant): HarnessTenant {
  return { ...t, apiKey: "sv_not_a_key" };
}

/** What a connector does with a session `requestLogout` hands it: take it, log out, wipe, let go. */
async function fakeConnectorIdleLogout(h: AppHarness, ref: Session.SessionRef): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const session = await Session.fromID(h.deps, ref);
    if (session?.logoutRequested && session.desired === "connected" && session.leaseOwner === null) {
      const epoch = await Session.acquireLease(h.deps, ref, "connector-logout", 30_000);
      if (epoch === null) return "lease refused";
      return logOut(h, { ...ref, owner: "connector-logout", epoch });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "never asked";
}

/**
 * What the connector does on a logout request (connector/whatsapp/session-runner.ts): on its next
 * renewal it sees `logoutRequested`, unlinks the device, wipes the keys, publishes `logged_out`
 * and releases the lease. Polls faster than the real 10 s renewal.
 */
async function fakeConnectorLogout(h: AppHarness, lease: Session.LeaseRef): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const session = await Session.renewLease(h.deps, lease, 30_000);
    if (session === null) return "lease lost";
    if (session.logoutRequested) return logOut(h, lease);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return "never asked";
}

/** The end of a connector's logout under `lease`: keys wiped, `logged_out` published, lease released. */
async function logOut(h: AppHarness, lease: Session.LeaseRef): Promise<string> {
  await wipeAuthState({ records: h.deps.storage.records, vault: h.deps.vault }, lease);
  await Session.publish(h.deps, lease, { status: "logged_out", desired: "disconnected", account: null });
  await Session.releaseLease(h.deps, lease);
  return "logged out";
}

describe("WhatsApp routes in the OpenAPI document", () => {
  it("every WhatsApp route is declared with createRoute, so /v1/openapi.json lists it", async () => {
    const res = await createAppHarness().app.request("/v1/openapi.json");
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    const declared = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const base = "/v1/whatsapp/sessions";
    expect(declared).toEqual(
      expect.arrayContaining([
        `POST ${base}`,
        `GET ${base}`,
        `GET ${base}/{id}`,
        `DELETE ${base}/{id}`,
        `GET ${base}/{id}/qr`,
        `GET ${base}/{id}/pairing-code`,
        `POST ${base}/{id}/reuse`,
        `POST ${base}/{id}/disconnect`,
        `POST ${base}/{id}/import`,
        `GET ${base}/{id}/export`,
        `GET ${base}/{id}/backups`,
        `POST ${base}/{id}/backups/{generation}/restore`,
      ]),
    );
  });
});
