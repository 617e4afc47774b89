import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import * as WhatsAppSession from "../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../test/helpers/test-storage.js";
import { waitFor } from "./testing/stub-socket.js";

/** Issue 3: SIGTERM stops sockets, flushes, releases leases and exits 0 within 10 s; /healthz answers. */
describe.each(ADAPTERS)("connector/main.ts on %s", (adapter) => {
  let test: TestStorage | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await test?.dispose();
  });

  it("serves /healthz, owns sessions, and on SIGTERM releases its leases and exits 0 within 10 s", async () => {
    test = await createTestStorage(adapter);
    const ctx = { storage: test.storage, clock: Date.now };
    const refs = ["m1", "m2"].map((sessionId) => ({ tenantId: "ten_main", sessionId }));
    for (const ref of refs) await WhatsAppSession.create(ctx, ref);

    child = spawn(process.execPath, ["--import", "tsx", "connector/main.ts"], {
      cwd: new URL("..", import.meta.url).pathname,
      env: {
        ...process.env,
        ...test.env,
        SESSIONVAULT_MASTER_KEY: randomBytes(32).toString("base64"),
        SESSIONVAULT_ADMIN_KEY: "sv_admin_test",
        CONNECTOR_PORT: "0",
        CONNECTOR_ID: "main-test",
        CONNECTOR_POLL_MS: "50",
        // Nothing listens there: sockets fail fast and back off, as with WhatsApp unreachable.
        WHATSAPP_WS_URL: "ws://127.0.0.1:9/ws/chat",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout!.on("data", (chunk) => (stdout += chunk));
    child.stderr!.on("data", (chunk) => (stdout += chunk));

    const port = await waitFor(
      () => /"port":(\d+)/.exec(stdout)?.[1],
      25_000,
      `start-up (output: ${stdout})`,
    );
    await waitFor(
      async () => {
        const sessions = await Promise.all(refs.map((ref) => WhatsAppSession.fromID(ctx, ref)));
        return sessions.every((s) => s?.leaseOwner === "main-test");
      },
      15_000,
      "both sessions owned",
    );
    // The record can show the lease a moment before the child has its acquire call back.
    const health = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        const body = (await res.json()) as { sessions: number };
        return res.status === 200 && body.sessions === 2 ? body : null;
      },
      5_000,
      "healthz reporting both sessions",
    );
    expect(health).toEqual({ ok: true, sessions: 2 });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
    const exposition = await metrics.text();
    expect(exposition).toContain("sessionvault_connector_sessions_owned 2\n");
    expect(exposition).toContain("sessionvault_connector_leases_taken_total 2\n");
    expect(exposition).toMatch(/^sessionvault_connector_lease_renew_seconds_count \d+$/m);
    expect(exposition).toMatch(/^process_cpu_user_seconds_total /m);
    // Labels never name a tenant or a session.
    expect(exposition).not.toMatch(/ten_main|\bm[12]\b/);

    const exited = once(child, "exit");
    const sentAt = Date.now();
    child.kill("SIGTERM");
    const [code] = await exited;
    expect(code).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
    for (const ref of refs) {
      const s = await WhatsAppSession.fromID(ctx, ref);
      expect(s).toMatchObject({
        leaseOwner: null,
        leaseExpiresAt: 0,
        desired: "connected",
        status: "disconnected",
      });
    }
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toHaveLength(2);
    expect(stdout).not.toMatch(/"qr"|creds|privKey/i);
  }, 60_000);
});
