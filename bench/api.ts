/**
 * `npm run bench:api` — prints figures, asserts nothing (issue 9).
 * The API over the local file adapter on Node's HTTP server, in a child process of its own (so its
 * RSS is its own and autocannon's work is not on its event loop), with one tenant holding
 * BENCH_SESSIONS WhatsApp sessions and a few Telegram sessions. autocannon drives 200 connections
 * at each route in turn: `GET /v1/health` first as the baseline (the framework ceiling: no auth, no
 * storage), then status (`/v1/whatsapp/sessions/{id}`), list (`/v1/whatsapp/sessions`) and stats
 * (`/v1/sessions/stats`). Request logging stays on at `info` (to /dev/null) as in production.
 *
 * Env or args: BENCH_DURATION / --duration=<s> per route (default 60), BENCH_CONNECTIONS /
 * --connections=<n> (default 200), BENCH_SESSIONS (default 50), BENCH_LOG_LEVEL (default info).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const DURATION = Number(args.duration ?? process.env.BENCH_DURATION ?? 60);
const CONNECTIONS = Number(args.connections ?? process.env.BENCH_CONNECTIONS ?? 200);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);

if (args.serve) await serve();
else await drive();

/** Parent: start the server child, run autocannon against each route, print the table. */
async function drive(): Promise<void> {
  const { default: autocannon } = await import("autocannon");
  console.log(
    `api bench: ${CONNECTIONS} connections x ${DURATION} s per route, local adapter, ${SESSIONS} WhatsApp sessions\n` +
      `machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
      `node ${process.version}, load average at start ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  const server = await startServer();
  const rssStart = rssMiB(server.pid);
  console.log(`server pid ${server.pid}: RSS ${rssStart.toFixed(1)} MiB after setup, before any load\n`);
  const headers = { authorization: `Bearer ${server.apiKey}` };
  const targets = [
    { name: "baseline GET /v1/health", path: "/v1/health", headers: {} },
    {
      name: "status GET /v1/whatsapp/sessions/{id}",
      path: `/v1/whatsapp/sessions/${server.sessionId}`,
      headers,
    },
    { name: "list GET /v1/whatsapp/sessions", path: "/v1/whatsapp/sessions", headers },
    { name: "stats GET /v1/sessions/stats", path: "/v1/sessions/stats", headers },
  ];
  // A short warm-up so the first measured route is not the one that pays for JIT compilation.
  await autocannon({ url: `${server.url}/v1/health`, connections: 20, duration: 2 });
  await autocannon({ url: `${server.url}${targets[1]!.path}`, connections: 20, duration: 2, headers });

  console.log(
    "route                                    |    req/s | p50 ms | p99 ms | 2xx       | non-2xx | errors | timeouts | RSS before → after MiB",
  );
  for (const t of targets) {
    const before = rssMiB(server.pid);
    const r = await autocannon({
      url: `${server.url}${t.path}`,
      connections: CONNECTIONS,
      duration: DURATION,
      headers: t.headers,
    });
    const after = rssMiB(server.pid);
    console.log(
      `${t.name.padEnd(40)} | ${r.requests.average.toFixed(0).padStart(8)} | ${String(r.latency.p50).padStart(6)} | ` +
        `${String(r.latency.p99).padStart(6)} | ${String(r["2xx"]).padEnd(9)} | ${String(r.non2xx).padStart(7)} | ` +
        `${String(r.errors).padStart(6)} | ${String(r.timeouts).padStart(8)} | ${before.toFixed(1)} → ${after.toFixed(1)}`,
    );
  }
  console.log(
    `\nserver RSS: ${rssStart.toFixed(1)} MiB before load, ${rssMiB(server.pid).toFixed(1)} MiB after; ` +
      `load average at end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  server.child.kill("SIGTERM");
  await new Promise((resolve) => server.child.once("exit", resolve));
}

interface ServerHandle {
  child: ChildProcess;
  pid: number;
  url: string;
  apiKey: string;
  sessionId: string;
}

async function startServer(): Promise<ServerHandle> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, BENCH_SESSIONS: String(SESSIONS) },
  });
  let buffered = "";
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench server exited (${code}) before it was ready`)));
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk;
      const line = buffered.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      const ready = JSON.parse(line) as { url: string; apiKey: string; sessionId: string };
      resolve({ child, pid: child.pid!, ...ready });
    });
  });
}

/** Child: the API over a fresh local data dir, seeded through its own routes, then served on a free port. */
async function serve(): Promise<void> {
  const { pino } = await import("pino");
  const { createLocalStorage } = await import("../core/storage/local.js");
  const { createVault } = await import("../core/vault/vault.js");
  const { createApp } = await import("../functions/api/app.js");
  const { createLogger } = await import("../functions/api/logger.js");
  const { serveApp } = await import("../functions/api/node-server.js");
  const { authKey, gramjsString } = await import("../test/telegram/fixtures.js");

  const dataDir = await mkdtemp(join(tmpdir(), "sv-bench-api-"));
  const storage = createLocalStorage({ dataDir });
  const adminKey = `admin_${randomBytes(16).toString("hex")}`;
  const app = createApp({
    storage,
    vault: createVault(storage.blobs, randomBytes(32)),
    clock: Date.now,
    config: { adminKey, telegram: { apiId: 12345, apiHash: "0123456789abcdef0123456789abcdef" } },
    logger: createLogger({
      level: process.env.BENCH_LOG_LEVEL ?? "info",
      destination: pino.destination({ dest: "/dev/null", sync: false }),
    }),
  });
  const call = async (key: string, method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
    return res.json();
  };
  const { apiKey } = (await call(adminKey, "POST", "/v1/tenants", { name: "bench" })) as { apiKey: string };
  for (let i = 0; i < SESSIONS; i++)
    await call(apiKey, "POST", "/v1/whatsapp/sessions", { sessionId: `bench-${i}` });
  for (let i = 0; i < 5; i++) {
    const sessionString = gramjsString(2, "149.154.167.51", 443, authKey(9_000 + i));
    await call(apiKey, "POST", "/v1/telegram/sessions/import", { sessionString });
  }
  const server = await serveApp(app, 0, "127.0.0.1");
  process.stdout.write(
    `${JSON.stringify({ url: server.url.replace("localhost", "127.0.0.1"), apiKey, sessionId: "bench-0" })}\n`,
  );
  process.once("SIGTERM", () => {
    void server
      .close()
      .then(() => storage.close())
      .then(() => rm(dataDir, { recursive: true, force: true }))
      .finally(() => process.exit(0));
  });
}

/** Resident set size of `pid` from /proc (Linux), in MiB. */
function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}
