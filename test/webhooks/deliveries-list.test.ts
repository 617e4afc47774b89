import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../core/storage/memory.js";
import * as Webhook from "../../core/webhook/index.js";
import { createAppHarness } from "../helpers/app-harness.js";

describe("GET /v1/webhooks/{id}/deliveries", () => {
  it("lists the newest 1,000 deliveries, newest first, however many are kept", async () => {
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
    const { deliveries } = (await res.json()) as { deliveries: { createdAt: string }[] };
    expect(deliveries).toHaveLength(1_000);
    expect(deliveries[0]!.createdAt).toBe(new Date(now).toISOString());
    expect(deliveries.at(-1)!.createdAt).toBe(new Date(now - 999_000).toISOString());
  });
});
