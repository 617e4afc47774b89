import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAppHarness } from "../../test/helpers/app-harness.js";
import { serveApp } from "./node-server.js";

describe("node server", () => {
  it("serves the app on a free port and closes", async () => {
    const { app, createTenant } = createAppHarness();
    const { apiKey } = await createTenant();
    const server = await serveApp(app, 0);
    try {
      expect(server.url).toMatch(/^http:\/\/localhost:\d+$/);
      const health = await fetch(`${server.url}/v1/health`);
      expect(await health.json()).toEqual({ status: "ok" });
      const me = await fetch(`${server.url}/v1/me`, { headers: { "x-api-key": apiKey } });
      expect(me.status).toBe(200);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/v1/health`)).rejects.toThrow();
  });
});

describe("lambda handler (API Gateway HTTP API v2 events)", () => {
  let dataDir: string;
  const adminKey = "lambda-test-admin-key";

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "sv-lambda-"));
    vi.stubEnv("SESSIONVAULT_DATA_DIR", dataDir);
    vi.stubEnv("SESSIONVAULT_ADMIN_KEY", adminKey);
    vi.stubEnv("SESSIONVAULT_MASTER_KEY", Buffer.alloc(32, 7).toString("base64"));
    vi.stubEnv("SESSIONVAULT_STORAGE", "local");
    vi.stubEnv("LOG_LEVEL", "silent");
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("answers health, creates a tenant with the admin key and authenticates its key", async () => {
    const { handler } = await import("./lambda.js");
    const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
      handler(apiGatewayEvent(method, path, headers, body), lambdaContext()) as Promise<LambdaResult>;

    const health = await call("GET", "/v1/health");
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });

    const created = await call(
      "POST",
      "/v1/tenants",
      { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      "{}",
    );
    expect(created.statusCode).toBe(201);
    const { apiKey, tenantId } = JSON.parse(created.body) as { apiKey: string; tenantId: string };

    const me = await call("GET", "/v1/me", { "x-api-key": apiKey });
    expect(JSON.parse(me.body)).toMatchObject({ tenantId });
    const wrong = await call("GET", "/v1/me", { "x-api-key": "nope" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers?.["content-type"]).toContain("application/problem+json");
  });
});

// --- Internal helpers ---

type LambdaResult = { statusCode: number; body: string; headers?: Record<string, string> };

function apiGatewayEvent(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): never {
  const event = {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: { host: "api.example.com", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "vitest" },
      requestId: "apigw-request",
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2026:00:00:00 +0000",
      timeEpoch: 1767225600000,
    },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
  };
  return event as never;
}

function lambdaContext(): never {
  return { awsRequestId: "lambda-request", getRemainingTimeInMillis: () => 29_000 } as never;
}
