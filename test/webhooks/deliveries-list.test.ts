import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../core/storage/memory.js";
import * as Webhook from "../../core/webhook/index.js";
import { createAppHarness } from "../helpers/app-harness.js";

describe("GET /v1/webhooks/{id}/deliveries", () => {
  it("pages newest first: 1,000 by default, then the rest by cursor; limit and a bad cursor", async () => {
    let now = Date.parse("2026-12-01T00:00:00Z");
    const h = createAppHarness(createMemoryStorage(), { clock: () => now });
    const { tenantId, apiKey } = await h.createTenant();
    const { webhook } = await Webhook.create(h.deps, tenantId, {
      url: "https://hooks.example.com/h",
      events: ["session.qr"],
    });
    for (let i = 0; i < 1_003; i++) {
      now += 1_000;
      await Webhook.enqueue(h.deps, { type: "session.qr", tenantId, data: { sessionId: `s${i}` } });
    }
    const res = await h.app.request(`/v1/webhooks/${webhook.webhookId}/deliveries`, {
      headers: h.headers(apiKey),
    });
    expect(res.status).toBe(200);
    type Page = { deliveries: { createdAt: string; deliveryId: string }[]; nextCursor: string | null };
    const { deliveries, nextCursor } = (await res.json()) as Page;
    expect(deliveries).toHaveLength(1_000);
    expect(deliveries[0]!.createdAt).toBe(new Date(now).toISOString());
    expect(deliveries.at(-1)!.createdAt).toBe(new Date(now - 999_000).toISOString());
    expect(nextCursor).toEqual(expect.any(String));

    const get = async (query: string) =>
      h.app.request(`/v1/webhooks/${webhook.webhookId}/deliveries?${query}`, { headers: h.headers(apiKey) });
    const rest = (await (await get(`cursor=${encodeURIComponent(nextCursor!)}`)).json()) as Page;
    expect(rest.deliveries.map((d) => d.createdAt)).toEqual(
      [1_000, 1_001, 1_002].map((back) => new Date(now - back * 1_000).toISOString()),
    );
    expect(rest.nextCursor).toBeNull();
    const all = new Set([...deliveries, ...rest.deliveries].map((d) => d.deliveryId));
    expect(all.size).toBe(1_003);

    const two = (await (await get("limit=2")).json()) as Page;
    expect(two.deliveries.map((d) => d.createdAt)).toEqual([
      deliveries[0]!.createdAt,
      deliveries[1]!.createdAt,
    ]);
    const bad = await get("cursor=not-a-cursor");
    expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, "invalid_cursor"]);
    expect((await get("limit=0")).status).toBe(400);
  });
});
