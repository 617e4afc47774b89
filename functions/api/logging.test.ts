import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../core/storage/memory.js";
import type { Storage } from "../../core/storage/types.js";
import { createAppHarness } from "../../test/helpers/app-harness.js";
import { createLogger } from "./logger.js";

describe("logging and unexpected errors", () => {
  it("a non-domain error -> 500 internal that leaks nothing, logged with the request id", async () => {
    const logs = captureLogs();
    const { app, createTenant } = createAppHarness(failingLookups(createMemoryStorage()), {
      logger: logs.logger,
    });
    const { apiKey } = await createTenant();
    const res = await app.request("/v1/me", { headers: { "x-api-key": apiKey, "x-request-id": "req-500" } });

    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.headers.get("x-request-id")).toBe("req-500");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      type: "urn:sessionvault:problem:internal",
      title: "Internal Server Error",
      status: 500,
      code: "internal",
      detail: expect.any(String),
      instance: "/v1/me",
      requestId: "req-500",
    });
    expect(text).not.toMatch(/ECONNREFUSED|10\.9\.8\.7|stack|at /);

    const failure = logs.lines().find((l) => l.msg === "request failed");
    expect(failure).toMatchObject({ level: 50, requestId: "req-500", errorCode: "internal" });
    expect(JSON.stringify(failure?.err)).toContain("ECONNREFUSED 10.9.8.7");
    const access = logs.lines().find((l) => l.msg === "request" && l.requestId === "req-500");
    expect(access).toMatchObject({ method: "GET", path: "/v1/me", status: 500 });
  });

  it("one line per request: method, path, status, duration, request id, tenant", async () => {
    const logs = captureLogs();
    const { app, createTenant, headers } = createAppHarness(undefined, { logger: logs.logger });
    const { tenantId, apiKey } = await createTenant();
    await app.request("/v1/me", { headers: { ...headers(apiKey), "x-request-id": "req-me" } });
    const lines = logs.lines().filter((l) => l.requestId === "req-me");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: "request", method: "GET", path: "/v1/me", status: 200, tenantId });
    expect(lines[0]?.durationMs).toEqual(expect.any(Number));
  });

  it("never writes keys, secret fields or credential headers", async () => {
    const logs = captureLogs();
    const { app, adminKey, headers, createTenant, deps } = createAppHarness(undefined, {
      logger: logs.logger,
    });
    const { tenantId, apiKey } = await createTenant({ name: "redaction" });
    await app.request("/v1/me", { headers: headers(apiKey) });
    await app.request("/v1/me", { headers: { "x-api-key": apiKey } });
    await app.request(`/v1/tenants/${tenantId}/keys`, {
      method: "POST",
      headers: headers(adminKey, true),
      body: "{",
    });
    deps.logger.info(
      {
        apiKey,
        session: { sessionString: "1BQANOTSECRET", authKey: "deadbeef" },
        req: { headers: { authorization: `Bearer ${apiKey}`, "x-api-key": adminKey } },
        login: { code: "12345", password: "hunter2" },
      },
      "direct",
    );

    const output = logs.text();
    expect(logs.lines().length).toBeGreaterThan(4);
    for (const secret of [
      apiKey,
      apiKey.slice(3),
      adminKey,
      "1BQANOTSECRET",
      "deadbeef",
      "12345",
      "hunter2",
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(logs.lines().find((l) => l.msg === "direct")).toMatchObject({
      apiKey: "[redacted]",
      session: { sessionString: "[redacted]", authKey: "[redacted]" },
      req: { headers: { authorization: "[redacted]", "x-api-key": "[redacted]" } },
    });
  });
});

// --- Internal helpers ---

type LogLine = Record<string, unknown> & { msg?: string; requestId?: string };

function captureLogs(): { logger: ReturnType<typeof createLogger>; text(): string; lines(): LogLine[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join("");
  const lines = () =>
    text()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine);
  return { logger: createLogger({ level: "debug", destination }), text, lines };
}

/** Key lookups fail like a backend whose SDK throws a raw error (not a `StorageError`). */
function failingLookups(storage: Storage): Storage {
  const get = storage.records.get.bind(storage.records);
  storage.records.get = async (key) => {
    if (key.pk.startsWith("apikey#")) throw new Error("connect ECONNREFUSED 10.9.8.7:8000");
    return get(key);
  };
  return storage;
}
