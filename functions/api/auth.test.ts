import { createRoute } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createAppHarness } from "../../test/helpers/app-harness.js";
import { requireAuth, requireScope, requireTenant } from "./auth.js";

describe("auth: API keys on /v1/me", () => {
  it("accepts the key as Bearer and as X-Api-Key", async () => {
    const { app, createTenant } = createAppHarness();
    const { tenantId, keyId, apiKey } = await createTenant();
    expect(apiKey).toMatch(/^sv_[A-Za-z0-9_-]{43}$/);
    const variants: Record<string, string>[] = [
      { authorization: `Bearer ${apiKey}` },
      { "x-api-key": apiKey },
    ];
    for (const headers of variants) {
      const res = await app.request("/v1/me", { headers });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ tenantId, keyId, scopes: [] });
    }
  });

  it("a wrong, malformed or missing key -> 401 problem+json with WWW-Authenticate", async () => {
    const { app, createTenant } = createAppHarness();
    const { apiKey } = await createTenant();
    const wrong = `sv_${"A".repeat(43)}`;
    const cases: Record<string, string>[] = [
      { authorization: `Bearer ${wrong}` },
      { "x-api-key": wrong },
      { authorization: `Basic ${apiKey}` },
      { authorization: "Bearer" },
      {},
    ];
    for (const headers of cases) {
      const res = await app.request("/v1/me", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      expect(await res.json()).toMatchObject({ code: "unauthorized", status: 401, title: "Unauthorized" });
    }
  });

  it("the admin key is not a tenant: /v1/me -> 403 forbidden", async () => {
    const { app, adminKey } = createAppHarness();
    const res = await app.request("/v1/me", { headers: { "x-api-key": adminKey } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "forbidden" });
  });

  it("requireScope('export') needs a tenant key carrying that scope", async () => {
    const harness = createAppHarness();
    const route = createRoute({
      method: "get",
      path: "/v1/test/export",
      middleware: requireScope("export"),
      responses: { 200: { description: "ok" } },
    });
    harness.app.openapi(route, (c) => c.json({ tenantId: c.var.principal.tenantId }, 200));
    const plain = await harness.createTenant();
    const exporter = await harness.createTenant({ scopes: ["export"] });
    const call = (key: string) => harness.app.request("/v1/test/export", { headers: harness.headers(key) });

    expect((await call(plain.apiKey)).status).toBe(403);
    expect((await call(harness.adminKey)).status).toBe(403);
    const ok = await call(exporter.apiKey);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ tenantId: exporter.tenantId });
    const me = await harness.app.request("/v1/me", { headers: harness.headers(exporter.apiKey) });
    expect(await me.json()).toMatchObject({ scopes: ["export"] });
  });

  it("stacked middleware authenticates once", async () => {
    const harness = createAppHarness();
    let lookups = 0;
    const records = harness.deps.storage.records;
    const get = records.get.bind(records);
    records.get = (key) => {
      if (key.pk.startsWith("apikey#")) lookups++;
      return get(key);
    };
    harness.app.get("/v1/test/stacked", requireAuth(), requireTenant(), (c) =>
      c.json({ id: c.var.principal.keyId }),
    );
    const { keyId, apiKey } = await harness.createTenant();
    lookups = 0;
    const res = await harness.app.request("/v1/test/stacked", { headers: harness.headers(apiKey) });
    expect(await res.json()).toEqual({ id: keyId });
    expect(lookups).toBe(1);
  });
});
