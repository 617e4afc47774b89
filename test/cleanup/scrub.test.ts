import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCleanup } from "../../core/cleanup/index.js";
import * as Webhook from "../../core/webhook/index.js";
import { snapKey } from "../../core/whatsapp/auth-state/blob-keys.js";
import { listBackups, openAuthState, restoreBackup } from "../../core/whatsapp/auth-state/index.js";
import { readPointer } from "../../core/whatsapp/auth-state/pointer.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { createFixture, type Fixture, HOUR, T0, whatsappSession } from "./fixtures.js";

/** Issue 8 item 3: the integrity scrub (must-show), scheduled and per session, on both adapters. */
describe.each(ADAPTERS)("integrity scrub on %s", (adapter) => {
  let ts: TestStorage;
  let f: Fixture;
  beforeEach(async () => {
    ts = await createTestStorage(adapter);
    f = createFixture(ts.storage);
  }, 60_000);
  afterEach(() => ts.dispose());

  it("a flipped byte in the stored snapshot is found by the job and by verify; degraded, webhook, previous generation restores", async () => {
    const tenant = await f.createTenant();
    const other = await f.createTenant();
    const hook = await f.app.request("/v1/webhooks", {
      method: "POST",
      headers: f.headers(tenant.apiKey, true),
      body: JSON.stringify({ url: "http://127.0.0.1:9/hook", events: ["session.integrity_failed"] }),
    });
    expect(hook.status).toBe(201);
    const { webhookId } = (await hook.json()) as { webhookId: string };
    // A connected session (live lease): scrubbing only reads, so it is checked too.
    const ref = await whatsappSession(f, tenant.tenantId, "bot", {
      leaseMs: 48 * HOUR,
      paired: true,
      generations: 3,
    });
    const pointer = (await readPointer(ts.storage.records, ref))!;
    const blob = snapKey(ref, pointer.snapshot!);
    const sealed = Buffer.from((await ts.storage.blobs.get(blob))!);
    sealed[sealed.length - 5]! ^= 0x01;
    await ts.storage.blobs.put(blob, sealed);
    const verify = (id: string, apiKey = tenant.apiKey) =>
      f.app.request(`/v1/whatsapp/sessions/${id}/verify`, { method: "POST", headers: f.headers(apiKey) });

    f.setNow(T0 + 6 * HOUR);
    const counts = await runCleanup(f.deps, { now: f.now() });
    expect(counts).toMatchObject({
      scrubbed: 1,
      integrityFailures: 1,
      expired: 0,
      blobsDeleted: 0,
      errors: 0,
    });
    const degraded = (await Session.fromID(f.deps, ref))!;
    expect(degraded.status).toBe("degraded");
    expect(degraded.lastError).toMatchObject({
      code: "integrity_failed",
      reason: `${blob}: auth_failed`,
      blob,
    });
    const deliveries = (await Webhook.listDeliveries(f.deps, tenant.tenantId, webhookId)).deliveries;
    expect(deliveries.map((d) => d.event)).toEqual(["session.integrity_failed"]);

    const found = await verify("bot");
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ ok: false, blob, reason: "auth_failed" });
    // Same finding again: reported once, not on every run.
    expect(await runCleanup(f.deps, { now: f.now() })).toMatchObject({ integrityFailures: 1 });
    expect((await Webhook.listDeliveries(f.deps, tenant.tenantId, webhookId)).deliveries).toHaveLength(1);
    expect((await verify("nope")).status).toBe(404);
    expect((await verify("bot", other.apiKey)).status).toBe(404);

    // Every kept generation is still there: the previous one restores and verifies.
    const backups = await listBackups(f.auth, ref);
    expect(backups.map((b) => b.generation)).toEqual([3, 2, 1]);
    await restoreBackup(f.auth, ref, 2);
    const healed = await verify("bot");
    expect(await healed.json()).toEqual({ ok: true });
    expect((await Session.fromID(f.deps, ref))!.status).toBe("pending");
    const state = await openAuthState(f.auth, ref);
    const got = await state.state.keys.get("session", ["peer.1", "peer.2"]);
    expect(Buffer.from(got["peer.1"]!).toString()).toBe("ratchet-1");
    expect(got["peer.2"]).toBeUndefined();
    await state.close();
    expect(await runCleanup(f.deps, { now: f.now() })).toMatchObject({ integrityFailures: 0 });
  }, 120_000);
});
