import { describe, expect, it } from "vitest";
import { createAppHarness } from "../../test/helpers/app-harness.js";

const PROBLEM = "application/problem+json";

describe("app: health, docs, request ids", () => {
  it("GET /v1/health answers ok without auth", async () => {
    const { app } = createAppHarness();
    const res = await app.request("/v1/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("echoes a valid X-Request-Id and mints one otherwise", async () => {
    const { app } = createAppHarness();
    const given = await app.request("/v1/health", { headers: { "x-request-id": "abc-123" } });
    expect(given.headers.get("x-request-id")).toBe("abc-123");
    const minted = await app.request("/v1/health", { headers: { "x-request-id": "bad id!" } });
    expect(minted.headers.get("x-request-id")).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it("serves the OpenAPI document and the Swagger UI", async () => {
    const { app } = createAppHarness();
    const doc = await app.request("/v1/openapi.json");
    expect(doc.status).toBe(200);
    const body = (await doc.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: Record<string, unknown>;
    };
    // Every route the app serves under /v1 is documented, with its method (issue 8).
    const documented = new Set(
      Object.entries(body.paths).flatMap(([path, ops]) =>
        Object.keys(ops as object).map((m) => `${m} ${path}`),
      ),
    );
    const served = app.routes
      .filter((r) => r.path.startsWith("/v1/") && r.method !== "ALL" && r.path !== "/v1/openapi.json")
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z]+)/g, "{$1}")}`);
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    expect(body.openapi).toBe("3.1.0");
    expect(body.components).toHaveProperty("securitySchemes.bearer");
    const ui = await app.request("/docs");
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("/v1/openapi.json");
  });
});

describe("app: problem+json on every 4xx", () => {
  it("unknown route -> 404 not_found", async () => {
    const { app } = createAppHarness();
    const res = await app.request("/v1/nope", { headers: { "x-request-id": "r1" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain(PROBLEM);
    expect(await res.json()).toEqual({
      type: "urn:sessionvault:problem:not_found",
      title: "Not Found",
      status: 404,
      code: "not_found",
      detail: "no route for GET /v1/nope",
      instance: "/v1/nope",
      requestId: "r1",
    });
  });

  it("body over the limit -> 413 payload_too_large (streamed and with Content-Length)", async () => {
    const { app, adminKey, headers } = createAppHarness();
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024) });
    const streamed = await app.request("/v1/tenants", {
      method: "POST",
      headers: headers(adminKey, true),
      body: big,
    });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.get("content-type")).toContain(PROBLEM);
    expect(await streamed.json()).toMatchObject({
      code: "payload_too_large",
      status: 413,
      limitBytes: 1048576,
    });

    const small = createAppHarness(undefined, {
      config: { adminKey: "a-very-secret-admin", bodyLimitBytes: 10 },
    });
    const declared = await small.app.request("/v1/tenants", {
      method: "POST",
      headers: { ...small.headers(small.adminKey, true), "content-length": "11" },
      body: '{"name":"x"}'.slice(0, 11),
    });
    expect(declared.status).toBe(413);
  });

  it("the import routes take up to 4 MiB, every other route 1 MiB (413 names the limit that applied)", async () => {
    const h = createAppHarness();
    const tenant = await h.createTenant();
    const post = (path: string, bytes: number) =>
      h.app.request(path, {
        method: "POST",
        headers: { ...h.headers(tenant.apiKey), "content-type": "application/gzip" },
        body: new Uint8Array(bytes),
      });
    const problem = async (res: Response) => (await res.json()) as { code: string; limitBytes?: number };
    const twoMiB = 2 * 1024 * 1024;
    // Under the import limit, the route itself answers: not a gzip stream.
    const whatsapp = await post("/v1/whatsapp/sessions/nope/import", twoMiB);
    expect([whatsapp.status, (await problem(whatsapp)).code]).toEqual([400, "archive.not_gzip"]);
    const telegram = await post("/v1/telegram/sessions/import", twoMiB);
    expect(telegram.status).not.toBe(413);
    const elsewhere = await post("/v1/whatsapp/sessions", twoMiB);
    expect([elsewhere.status, (await problem(elsewhere)).limitBytes]).toEqual([413, 1024 * 1024]);
    const huge = await post("/v1/whatsapp/sessions/nope/import", 4 * 1024 * 1024 + 1);
    expect([huge.status, (await problem(huge)).limitBytes]).toEqual([413, 4 * 1024 * 1024]);
  });

  it("malformed JSON -> 400 invalid_json", async () => {
    const { app, adminKey, headers } = createAppHarness();
    const res = await app.request("/v1/tenants", {
      method: "POST",
      headers: headers(adminKey, true),
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain(PROBLEM);
    expect(await res.json()).toMatchObject({ code: "invalid_json", status: 400 });
  });

  it("a body that fails the schema -> 422 validation_failed with errors[]", async () => {
    const { app, adminKey, headers, createTenant } = createAppHarness();
    const { tenantId } = await createTenant();
    const res = await app.request(`/v1/tenants/${tenantId}/keys`, {
      method: "POST",
      headers: headers(adminKey, true),
      body: JSON.stringify({ scopes: ["root"] }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { code: string; errors: { path: string; message: string }[] };
    expect(body.code).toBe("validation_failed");
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: "scopes.0" });
    expect(body.errors[0]?.message).toEqual(expect.any(String));
  });

  it("a bad path parameter -> 400 validation_failed", async () => {
    const { app, adminKey, headers } = createAppHarness();
    const res = await app.request("/v1/tenants/not-a-tenant/keys", {
      method: "POST",
      headers: headers(adminKey, true),
      body: "{}",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "validation_failed", errors: [{ path: "id" }] });
  });

  it("a non-JSON content type on a JSON route -> 415 unsupported_media_type", async () => {
    const { app, adminKey } = createAppHarness();
    const res = await app.request("/v1/tenants", {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "text/plain" },
      body: "hello",
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: "unsupported_media_type" });
  });

  it("refuses to build without an admin key", async () => {
    expect(() => createAppHarness(undefined, { config: { adminKey: "" } })).toThrow(/adminKey/);
  });
});
