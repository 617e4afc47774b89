/**
 * `npm run bench:connector` — prints figures, asserts nothing (issue 9). Target: ≤ 10 MB per idle session.
 * Connector density against the local WhatsApp Web peer, on the local file adapter:
 * 1. BENCH_CONNECTOR_SESSIONS (default 100) devices are paired by QR with the real Baileys client in
 *    this process (`pairWithQr`, the peer scans), and each linked `creds.json` is imported into its
 *    own session through the API, then left `desired: disconnected`;
 * 2. one connector process (`connector/main.ts`, as ECS runs it) starts; its RSS with 0 sessions is
 *    sampled once it is idle;
 * 3. every session is asked to connect (`POST …/reuse`): the connector logs them all in (each uploads
 *    812 pre-keys to the peer), and once all are `connected` and idle its RSS is sampled again:
 *    per idle session = (RSS with N - RSS with 0) / N;
 * 4. restart: SIGTERM (sessions flushed, leases released) and a new connector process; the time
 *    from its spawn (and from its "connector started") until all N are `connected` again.
 * Env: BENCH_CONNECTOR_SESSIONS, BENCH_PAIR_CONCURRENCY (default 8), BENCH_SETTLE_S (default 15).
 */
import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { createLocalStorage } from "../core/storage/local.js";
import { createVault } from "../core/vault/vault.js";
import { createApp } from "../functions/api/app.js";
import { createLogger } from "../functions/api/logger.js";
import { type ConnectorProcess, startConnectorProcess } from "../test/e2e/connector-process.js";
import { pairWithQr } from "../test/peers/whatsapp/baileys-client.js";
import { startWhatsAppPeer } from "../test/peers/whatsapp/index.js";

const N = Number(process.env.BENCH_CONNECTOR_SESSIONS ?? 100);
const PAIR_CONCURRENCY = Number(process.env.BENCH_PAIR_CONCURRENCY ?? 8);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_S ?? 15) * 1000;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

console.log(
  `connector bench: ${N} WhatsApp sessions, one connector process, local adapter, local WhatsApp Web peer\n` +
    `machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, load average at start ${load()}`,
);

const dataDir = await mkdtemp(join(tmpdir(), "sv-bench-connector-"));
const storage = createLocalStorage({ dataDir });
const masterKey = randomBytes(32);
const adminKey = `admin_${randomBytes(16).toString("hex")}`;
const app = createApp({
  storage,
  vault: createVault(storage.blobs, masterKey),
  clock: Date.now,
  config: { adminKey },
  logger: createLogger({ level: "silent" }),
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
const peer = await startWhatsAppPeer();
const { apiKey, tenantId } = (await call(adminKey, "POST", "/v1/tenants", { name: "bench" })) as {
  apiKey: string;
  tenantId: string;
};
const ids = Array.from({ length: N }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
const procs: ConnectorProcess[] = [];

try {
  // 1. Pair N devices with the library and import each linked folder into its session.
  let t = performance.now();
  const jids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: PAIR_CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        const phone = `1555880${String(i).padStart(4, "0")}`;
        const { store, jid } = await pairWithQr(peer.wsUrl, (qr) => peer.scan(qr, phone));
        jids[i] = jid;
        const files: Record<string, string> = { "creds.json": store.savedCreds };
        for (const [key, json] of store.keys)
          files[`${key.replace("/", "-").replaceAll(":", "-")}.json`] = json;
        const id = ids[i]!;
        await call(apiKey, "POST", "/v1/whatsapp/sessions", { sessionId: id });
        await call(apiKey, "POST", `/v1/whatsapp/sessions/${id}/import`, files);
        await call(apiKey, "POST", `/v1/whatsapp/sessions/${id}/disconnect`);
      }
    }),
  );
  console.log(`paired ${N} devices with the peer and imported their creds in ${secs(t)} s`);

  // 2. A connector with nothing to run.
  const env = {
    SESSIONVAULT_STORAGE: "local",
    SESSIONVAULT_DATA_DIR: dataDir,
    SESSIONVAULT_MASTER_KEY: masterKey.toString("base64"),
    WHATSAPP_WS_URL: peer.wsUrl,
    WHATSAPP_TRUST_ROOT_KEY: peer.trustRootKeyHex,
    CONNECTOR_CAPACITY: String(Math.max(200, N)),
    LOG_LEVEL: "info",
  };
  const first = await startConnectorProcess(env, { id: "bench-a", readyTimeoutMs: 180_000 });
  procs.push(first);
  await sleep(SETTLE_MS);
  const rss0 = await sampleRss(first.pid);
  console.log(`connector RSS with 0 sessions (idle, median of 5 samples): ${rss0.toFixed(1)} MiB`);

  // 3. Connect all of them, let pre-key uploads finish, sample again.
  t = performance.now();
  for (const id of ids) await call(apiKey, "POST", `/v1/whatsapp/sessions/${id}/reuse`);
  await waitAllConnected("bench-a", 600_000);
  const connectMs = performance.now() - t;
  await waitFor(() => jids.every((j) => peer.stats().preKeysUploaded[j] === 812), 600_000, "pre-key uploads");
  console.log(
    `first connect of all ${N} (login + 812 pre-keys generated, stored and uploaded each): ${(connectMs / 1000).toFixed(1)} s`,
  );
  await sleep(SETTLE_MS);
  const rssN = await sampleRss(first.pid);
  const perSession = (rssN - rss0) / N;
  console.log(
    `connector RSS with ${N} idle connected sessions: ${rssN.toFixed(1)} MiB -> ` +
      `${perSession.toFixed(2)} MiB per idle session (target ≤ 10 MB = 9.54 MiB)`,
  );

  // 4. Restart: graceful stop, a new process restores every session from storage.
  const loginsBefore = jids.reduce((sum, j) => sum + (peer.stats().logins[j] ?? 0), 0);
  await first.kill("SIGTERM");
  const spawnedAt = performance.now();
  const second = await startConnectorProcess(env, { id: "bench-b", readyTimeoutMs: 180_000 });
  procs.push(second);
  const startedAt = performance.now();
  await waitAllConnected("bench-b", 600_000);
  const doneAt = performance.now();
  const loginsAfter = jids.reduce((sum, j) => sum + (peer.stats().logins[j] ?? 0), 0);
  console.log(
    `restart: all ${N} connected again ${((doneAt - spawnedAt) / 1000).toFixed(1)} s after the new process was spawned ` +
      `(${((doneAt - startedAt) / 1000).toFixed(1)} s after "connector started"); ` +
      `${loginsAfter - loginsBefore} logins, ${peer.stats().qrRefsIssued - 6 * N} new QR refs beyond pairing`,
  );
  await sleep(SETTLE_MS);
  console.log(
    `restored connector RSS with ${N} idle sessions: ${(await sampleRss(second.pid)).toFixed(1)} MiB`,
  );
  console.log(`load average at end ${load()}`);
} finally {
  await Promise.all(procs.map((p) => p.kill("SIGTERM")));
  await peer.stop();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(0);

// --- Internal helpers ---

/** Every session's record says `connected`, written by `owner` (not a stale status from before a restart). */
async function waitAllConnected(owner: string, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      for (const id of ids) {
        const row = await storage.records.get({ pk: `t#${tenantId}`, sk: `wa#${id}` });
        if (row?.attrs.leaseOwner !== owner || row.attrs.status !== "connected") return false;
      }
      return true;
    },
    timeoutMs,
    `all sessions connected by ${owner}`,
  );
}

async function waitFor(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) {
      const logs = procs.map((p) => `--- ${p.id}\n${p.logs().slice(-20).join("\n")}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await sleep(250);
  }
}

/** Median of 5 VmRSS readings of `pid`, 1 s apart, in MiB. */
async function sampleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024);
    if (i < 4) await sleep(1_000);
  }
  return samples.sort((a, b) => a - b)[2]!;
}

function secs(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
