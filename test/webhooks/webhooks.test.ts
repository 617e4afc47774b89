import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNATURE_HEADER, startWebhookDispatcher, verifySignature } from "../../core/webhook/index.js";
import { createAppHarness, type HarnessTenant } from "../helpers/app-harness.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { startReceiver } from "../helpers/webhook-receiver.js";

describe.each(ADAPTERS)("webhooks [%s] (issue 8)", (adapter) => {
  let store: TestStorage;
  let harness: ReturnType<typeof createAppHarness>;
  let tenant: HarnessTenant;

  beforeAll(async () => {
    store = await createTestStorage(adapter);
    harness = createAppHarness(store.storage);
    tenant = await harness.createTenant();
  });
  afterAll(async () => {
    await store.storage.close();
    await store.dispose();
  });

  async function subscribe(url: string, events: string[]): Promise<{ webhookId: string; secret: string }> {
    const res = await harness.app.request("/v1/webhooks", {
      method: "POST",
      headers: harness.headers(tenant.apiKey, true),
      body: JSON.stringify({ url, events }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { webhookId: string; secret: string };
  }

  it("signs with the documented algorithm, retries a failing receiver with backoff, and records every attempt", async () => {
    const receiver = await startReceiver(2);
    const { webhookId, secret } = await subscribe(receiver.url, ["session.connected", "session.logged_out"]);
    const dispatcher = startWebhookDispatcher(harness.deps, { retryDelaysMs: [30, 30, 30], loop: false });

    await dispatcher.emit({
      type: "session.connected",
      tenantId: tenant.tenantId,
      data: { sessionId: "s1" },
    });
    await dispatcher.emit({ type: "session.qr", tenantId: tenant.tenantId, data: { sessionId: "s1" } }); // not subscribed
    for (let i = 0; i < 50 && receiver.received.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 40));
      await dispatcher.tick();
    }
    dispatcher.stop();

    expect(receiver.received).toHaveLength(3);
    const bodies = new Set(receiver.received.map((r) => r.body));
    expect(bodies.size).toBe(1); // the same event, retried
    const last = receiver.received[2]!;
    const event = JSON.parse(last.body);
    expect(event).toMatchObject({
      type: "session.connected",
      tenantId: tenant.tenantId,
      data: { sessionId: "s1" },
    });
    const header = last.headers[SIGNATURE_HEADER] as string;
    const now = Math.floor(Date.now() / 1000);
    expect(verifySignature(secret, header, last.body, now)).toBe(true);
    expect(verifySignature("whsec_wrong", header, last.body, now)).toBe(false);
    expect(verifySignature(secret, header, `${last.body} `, now)).toBe(false);
    expect(verifySignature(secret, header, last.body, now + 3600)).toBe(false); // outside the replay window

    const res = await harness.app.request(`/v1/webhooks/${webhookId}/deliveries`, {
      headers: harness.headers(tenant.apiKey),
    });
    const { deliveries } = (await res.json()) as {
      deliveries: { state: string; attempts: { status: number }[] }[];
    };
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.state).toBe("delivered");
    expect(deliveries[0]!.attempts.map((a) => a.status)).toEqual([500, 500, 204]);
    await receiver.close();
  });

  it("gives up after the last retry, lists without secrets, and isolates tenants", async () => {
    const receiver = await startReceiver(99);
    const { webhookId } = await subscribe(receiver.url, ["telegram.session.dead"]);
    const dispatcher = startWebhookDispatcher(harness.deps, { retryDelaysMs: [10], loop: false });
    await dispatcher.emit({
      type: "telegram.session.dead",
      tenantId: tenant.tenantId,
      data: { sessionId: "tg" },
    });
    await new Promise((r) => setTimeout(r, 30));
    await dispatcher.tick();
    await dispatcher.tick();
    expect(receiver.received).toHaveLength(2);

    const listed = await harness.app.request("/v1/webhooks", { headers: harness.headers(tenant.apiKey) });
    expect(JSON.stringify(await listed.json())).not.toContain("whsec_");
    const deliveries = await harness.app.request(`/v1/webhooks/${webhookId}/deliveries`, {
      headers: harness.headers(tenant.apiKey),
    });
    expect(((await deliveries.json()) as { deliveries: { state: string }[] }).deliveries[0]!.state).toBe(
      "failed",
    );

    const other = await harness.createTenant();
    for (const [method, path] of [
      ["GET", `/v1/webhooks/${webhookId}/deliveries`],
      ["DELETE", `/v1/webhooks/${webhookId}`],
    ] as const) {
      const res = await harness.app.request(path, { method, headers: harness.headers(other.apiKey) });
      expect(res.status).toBe(404);
    }
    const del = await harness.app.request(`/v1/webhooks/${webhookId}`, {
      method: "DELETE",
      headers: harness.headers(tenant.apiKey),
    });
    expect(del.status).toBe(204);
    await receiver.close();
  });

  it("rejects bad subscriptions with problem+json", async () => {
    for (const body of [
      { url: "ftp://x", events: ["session.qr"] },
      { url: "http://x", events: ["nope"] },
      { url: "http://x", events: [] },
    ]) {
      const res = await harness.app.request("/v1/webhooks", {
        method: "POST",
        headers: harness.headers(tenant.apiKey, true),
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });
});
