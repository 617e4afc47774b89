import { describe, expect, it } from "vitest";
import { createAppHarness } from "../../../test/helpers/app-harness.js";

describe("tenants and keys (admin)", () => {
  it("the admin key creates a tenant: 201 {tenantId, keyId, apiKey}", async () => {
    const { app, adminKey, headers } = createAppHarness();
    const res = await app.request("/v1/tenants", {
      method: "POST",
      headers: headers(adminKey, true),
      body: JSON.stringify({ name: "Acme bots" }),
    });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({
      tenantId: expect.stringMatching(/^ten_[0-9A-Z]{26}$/),
      keyId: expect.stringMatching(/^key_[0-9A-Z]{26}$/),
      apiKey: expect.stringMatching(/^sv_/),
    });
  });

  it("a body is optional on POST /v1/tenants", async () => {
    const { app, adminKey } = createAppHarness();
    const res = await app.request("/v1/tenants", { method: "POST", headers: { "x-api-key": adminKey } });
    expect(res.status).toBe(201);
  });

  it("a tenant key cannot manage tenants: 403 forbidden", async () => {
    const { app, headers, createTenant } = createAppHarness();
    const { tenantId, keyId, apiKey } = await createTenant();
    const attempts = [
      app.request("/v1/tenants", { method: "POST", headers: headers(apiKey, true), body: "{}" }),
      app.request(`/v1/tenants/${tenantId}/keys`, {
        method: "POST",
        headers: headers(apiKey, true),
        body: "{}",
      }),
      app.request(`/v1/tenants/${tenantId}/keys/${keyId}`, { method: "DELETE", headers: headers(apiKey) }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: "forbidden" });
    }
  });

  it("creates more keys, and a revoked key gets 401 at once while the others keep working", async () => {
    const { app, adminKey, headers, createTenant } = createAppHarness();
    const first = await createTenant();
    const created = await app.request(`/v1/tenants/${first.tenantId}/keys`, {
      method: "POST",
      headers: headers(adminKey, true),
      body: JSON.stringify({ scopes: ["export", "export"] }),
    });
    expect(created.status).toBe(201);
    const second = (await created.json()) as { keyId: string; apiKey: string; scopes: string[] };
    expect(second.scopes).toEqual(["export"]);

    const revoke = () =>
      app.request(`/v1/tenants/${first.tenantId}/keys/${first.keyId}`, {
        method: "DELETE",
        headers: headers(adminKey),
      });
    const revoked = await revoke();
    expect(revoked.status).toBe(204);
    expect(await revoked.text()).toBe("");
    expect((await app.request("/v1/me", { headers: headers(first.apiKey) })).status).toBe(401);
    expect((await app.request("/v1/me", { headers: headers(second.apiKey) })).status).toBe(200);
    expect((await revoke()).status).toBe(204);
  });

  it("unknown tenant or key -> 404; a key of another tenant is not found either", async () => {
    const { app, adminKey, headers, createTenant } = createAppHarness();
    const a = await createTenant();
    const b = await createTenant();
    const ghost = "ten_01J00000000000000000000000";
    const newKey = await app.request(`/v1/tenants/${ghost}/keys`, {
      method: "POST",
      headers: headers(adminKey, true),
      body: "{}",
    });
    expect(newKey.status).toBe(404);
    expect(await newKey.json()).toMatchObject({ code: "tenant.not_found" });
    const cross = await app.request(`/v1/tenants/${b.tenantId}/keys/${a.keyId}`, {
      method: "DELETE",
      headers: headers(adminKey),
    });
    expect(cross.status).toBe(404);
    expect(await cross.json()).toMatchObject({ code: "api_key.not_found" });
    expect((await app.request("/v1/me", { headers: headers(a.apiKey) })).status).toBe(200);
  });

  it("stores keys only as SHA-256 hashes", async () => {
    const { deps, createTenant } = createAppHarness();
    const { tenantId, keyId, apiKey } = await createTenant();
    const listing = await deps.storage.records.get({ pk: `t#${tenantId}`, sk: `key#${keyId}` });
    const { createHash } = await import("node:crypto");
    const hash = createHash("sha256").update(apiKey).digest("hex");
    expect(listing?.attrs.hash).toBe(hash);
    const lookup = await deps.storage.records.get({ pk: `apikey#${hash}`, sk: "apikey" });
    expect(lookup?.attrs).toMatchObject({ tenantId, keyId });
    expect(JSON.stringify([listing, lookup])).not.toContain(apiKey.slice(3));
  });
});
