import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCleanup } from "../../core/cleanup/index.js";
import { DELIVERY_RETENTION_MS } from "../../core/cleanup/webhook-deliveries.js";
import * as Webhook from "../../core/webhook/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { createFixture, type Fixture, HOUR, T0 } from "./fixtures.js";

/** The cleanup job drops finished webhook deliveries after 30 days; pending ones stay. */
describe.each(ADAPTERS)("cleanup of webhook deliveries on %s", (adapter) => {
  let ts: TestStorage;
  let f: Fixture;
  beforeEach(async () => {
    ts = await createTestStorage(adapter);
    f = createFixture(ts.storage);
  }, 60_000);
  afterEach(() => ts.dispose());

  it("drops deliveries finished more than 30 days ago, keeps newer and pending ones", async () => {
    const { tenantId } = await f.createTenant();
    const ok = await Webhook.create(f.deps, tenantId, {
      url: "https://ok.example.com/h",
      events: ["session.qr"],
    });
    const down = await Webhook.create(f.deps, tenantId, {
      url: "https://down.example.com/h",
      events: ["session.qr"],
    });
    const answer: typeof fetch = async (url) =>
      new Response(null, { status: String(url).includes("ok.example") ? 204 : 503 });
    const send = () => Webhook.attemptDue(f.deps, { fetch: answer, retryDelaysMs: [] });
    const event = { type: "session.qr" as const, tenantId, data: { sessionId: "s1" } };

    // Day 0: one event, delivered to `ok`, failed for good at `down` (no retries configured).
    await Webhook.enqueue(f.deps, event);
    expect(await send()).toBe(2);
    // Day 20: a second event, delivered and failed the same way.
    f.setNow(T0 + 20 * 24 * HOUR);
    await Webhook.enqueue(f.deps, event);
    expect(await send()).toBe(2);
    // Day 31: a third event that nobody has attempted yet (pending).
    f.setNow(T0 + DELIVERY_RETENTION_MS + HOUR);
    await Webhook.enqueue(f.deps, event);
    const states = async (webhookId: string) =>
      (await Webhook.listDeliveries(f.deps, tenantId, webhookId)).deliveries.map((d) => d.state).sort();
    expect(await states(ok.webhook.webhookId)).toEqual(["delivered", "delivered", "pending"]);
    expect(await states(down.webhook.webhookId)).toEqual(["failed", "failed", "pending"]);

    const counts = await runCleanup(f.deps, { now: f.now(), scrub: false });
    expect(counts).toMatchObject({ deliveriesPruned: 2, errors: 0 });
    expect(await states(ok.webhook.webhookId)).toEqual(["delivered", "pending"]);
    expect(await states(down.webhook.webhookId)).toEqual(["failed", "pending"]);
    // Pending is never dropped, however old.
    f.setNow(T0 + 10 * DELIVERY_RETENTION_MS);
    expect(await runCleanup(f.deps, { now: f.now(), scrub: false })).toMatchObject({ deliveriesPruned: 2 });
    expect(await states(ok.webhook.webhookId)).toEqual(["pending"]);
    expect(await states(down.webhook.webhookId)).toEqual(["pending"]);
  });
});
