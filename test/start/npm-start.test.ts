import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/local-aws.js";

/**
 * Issue 2: the local stack as a new user starts it (`npm start` runs scripts/start-local.ts):
 * no AWS, no configuration; health answers, the printed admin key creates a tenant, that
 * tenant's key works and a wrong key gets problem+json.
 */
describe("npm start (local stack)", () => {
  let child: ChildProcess | undefined;
  let dataDir: string;

  afterAll(async () => {
    child?.kill("SIGTERM");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves the API with generated keys and no configuration", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "sv-start-"));
    const port = await freePort();
    child = spawn(process.execPath, ["--import", "tsx", "scripts/start-local.ts"], {
      env: { PATH: process.env.PATH, PORT: String(port), SESSIONVAULT_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d));
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    let health: Response | null = null;
    while (!health && Date.now() - started < 30_000) {
      health = await fetch(`${base}/v1/health`).catch(() => null);
      if (!health) await sleep(100);
    }
    expect(health?.status).toBe(200);

    const adminKey = /Generated an admin key \(shown once\): (\S+)/.exec(out)?.[1];
    expect(adminKey).toBeDefined();
    expect((await stat(join(dataDir, "admin.key"))).mode & 0o777).toBe(0o600);
    const created = await fetch(`${base}/v1/tenants`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(created.status).toBe(201);
    const { tenantId, apiKey } = (await created.json()) as { tenantId: string; apiKey: string };
    const me = await fetch(`${base}/v1/me`, { headers: { "x-api-key": apiKey } });
    expect(await me.json()).toMatchObject({ tenantId });
    const wrong = await fetch(`${base}/v1/me`, { headers: { "x-api-key": "sv_nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    expect(out).not.toContain(apiKey);
  }, 60_000);
});
