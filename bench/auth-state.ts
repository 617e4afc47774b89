/**
 * `npm run bench:auth-state` — prints, asserts nothing (issue 3).
 * The durable auth state (group-committed log + snapshots) against a per-key baseline (one
 * blob per key, the `useMultiFileAuthState` layout), both through the same vault on the same
 * local file adapter in one run, at equal durability (a set() resolves when its blobs are stored).
 * Env: BENCH_MESSAGES (default 10000), BENCH_DATA_DIR (default a temp dir, removed after).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { BufferJSON, type SignalDataSet } from "@whiskeysockets/baileys";
import { createLocalStorage } from "../core/storage/local.js";
import type { Blobs } from "../core/storage/types.js";
import { createVault } from "../core/vault/vault.js";
import { openAuthState } from "../core/whatsapp/auth-state/index.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const CONTACTS = 2_000;
const GROUPS = 50;

interface Store {
  set(data: SignalDataSet): Promise<void>;
  flush?(): Promise<void>;
}
interface Counters {
  gets: number;
  puts: number;
  /** Puts of snapshot blobs (part of `puts`). */
  snapshots: number;
  deletes: number;
  bytes: number;
}

const dataDir = process.env.BENCH_DATA_DIR ?? (await mkdtemp(join(tmpdir(), "sv-bench-")));
const storage = createLocalStorage({ dataDir });
const counters: Counters = { gets: 0, puts: 0, snapshots: 0, deletes: 0, bytes: 0 };
const vault = createVault(countingBlobs(storage.blobs, counters), randomBytes(32));
const deps = { records: storage.records, vault };
let sessions = 0;

console.log(`auth-state bench: ${MESSAGES} message-like keys.set calls, local adapter at ${dataDir}\n`);
console.log(
  "scenario                 | store     | blob writes (snapshots) | deletes | MiB written | set p50 ms | set p99 ms | wall s",
);
for (const inFlight of [1, 8, 64]) {
  for (const kind of ["durable", "per-key"] as const) {
    await measure(`${MESSAGES} msgs, ${inFlight} in flight`, kind, MESSAGES, inFlight, (i) =>
      messageChanges(i),
    );
  }
}
for (const kind of ["durable", "per-key"] as const)
  await measure("812 pre-key burst", kind, 1, 1, () => ({ "pre-key": preKeys(812) }));

console.log("\nrestore of a 10,000-key session (812 pre-keys, 9,188 sessions)");
const content: SignalDataSet[] = [{ "pre-key": preKeys(812) }];
for (let c = 0; c < 9_188; c += 100) {
  const session: Record<string, Buffer> = {};
  for (let i = c; i < Math.min(9_188, c + 100); i++) session[`r${i}.0`] = randomBytes(1_100);
  content.push({ session });
}
for (const kind of ["durable", "per-key"] as const) {
  const ref = nextRef();
  const store = await openStore(kind, ref);
  for (const part of content) await store.set(part);
  await store.flush?.();
  const reads = counters.gets;
  const started = performance.now();
  const close = kind === "durable" ? await restoreDurable(ref) : await restorePerKey(ref);
  const ms = performance.now() - started;
  console.log(`  ${kind.padEnd(8)}: ${ms.toFixed(0).padStart(6)} ms, ${counters.gets - reads} blobs read`);
  await close();
}
await storage.close();
if (!process.env.BENCH_DATA_DIR) await rm(dataDir, { recursive: true, force: true });

// --- Internal helpers ---

async function measure(
  name: string,
  kind: "durable" | "per-key",
  calls: number,
  inFlight: number,
  changes: (i: number) => SignalDataSet,
): Promise<void> {
  const store = await openStore(kind, nextRef());
  const before = { ...counters };
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < calls) {
        const data = changes(next++);
        const t = performance.now();
        await store.set(data);
        latencies.push(performance.now() - t);
      }
    }),
  );
  await store.flush?.();
  const wall = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number): string =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  const cols = [
    name.padEnd(24),
    kind.padEnd(9),
    `${counters.puts - before.puts} (${counters.snapshots - before.snapshots})`.padStart(23),
    String(counters.deletes - before.deletes).padStart(7),
    ((counters.bytes - before.bytes) / 2 ** 20).toFixed(1).padStart(11),
    q(0.5).padStart(10),
    q(0.99).padStart(10),
    wall.toFixed(1).padStart(6),
  ];
  console.log(cols.join(" | "));
}

function nextRef(): { tenantId: string; sessionId: string } {
  return { tenantId: "bench", sessionId: `s${++sessions}` };
}

/** The durable state, or the per-key layout: `<type>-<id>.json` blobs, written in parallel, deleted on null. */
async function openStore(
  kind: "durable" | "per-key",
  ref: { tenantId: string; sessionId: string },
): Promise<Store> {
  if (kind === "durable") {
    const auth = await openAuthState(deps, ref);
    return { set: async (data) => auth.state.keys.set(data), flush: () => auth.flush() };
  }
  const prefix = `t/${ref.tenantId}/wa/${ref.sessionId}/files/`;
  return {
    async set(data) {
      const tasks: Promise<void>[] = [];
      for (const [type, values] of Object.entries(data))
        for (const [id, value] of Object.entries(values ?? {})) {
          const key = `${prefix}${`${type}-${id}`.replace(/\//g, "__").replace(/:/g, "-")}.json`;
          const body = Buffer.from(JSON.stringify(value, BufferJSON.replacer));
          tasks.push(value ? vault.put(key, body) : vault.delete(key));
        }
      await Promise.all(tasks);
    },
  };
}

/** Restored = the state is open and usable. Returns how to close it (untimed). */
async function restoreDurable(ref: { tenantId: string; sessionId: string }): Promise<() => Promise<void>> {
  const auth = await openAuthState(deps, ref);
  return () => auth.close();
}

/** Restoring the per-key layout = fetching and opening every file, 16 at a time. */
async function restorePerKey(ref: { tenantId: string; sessionId: string }): Promise<() => Promise<void>> {
  const files = await vault.listAll(`t/${ref.tenantId}/wa/${ref.sessionId}/files/`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < files.length) await vault.get(files[next++]!.key);
    }),
  );
  return async () => {};
}

/** The keys one message touches (Baileys 7): ratchets, a consumed pre-key, device lists, group sender keys. */
function messageChanges(i: number): SignalDataSet {
  const contact = i % CONTACTS;
  const roll = i % 20;
  if (roll < 5)
    return {
      session: { [`${contact}.0`]: randomBytes(1_100) },
      "pre-key": { [String(1 + (i % 812))]: null },
    };
  if (roll < 12) return { session: { [`${contact}.0`]: randomBytes(1_100) } };
  if (roll < 16)
    return {
      session: {
        [`${contact}.0`]: randomBytes(1_100),
        [`${contact}.1`]: randomBytes(1_100),
        "me.2": randomBytes(1_100),
      },
      "device-list": { [String(contact)]: ["0", "1"] },
    };
  const group = `${i % GROUPS}@g.us`;
  if (roll < 18) return { "sender-key": { [`${group}::${contact}::0`]: randomBytes(400) } };
  return {
    "sender-key": { [`${group}::me::0`]: randomBytes(400) },
    "sender-key-memory": {
      [group]: { [`${contact}@s.whatsapp.net`]: true, [`${contact + 1}@s.whatsapp.net`]: true },
    },
    session: { [`${contact}.0`]: randomBytes(1_100), [`${contact + 1}.0`]: randomBytes(1_100) },
  };
}

function preKeys(n: number): Record<string, { public: Buffer; private: Buffer }> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      String(i + 1),
      { public: randomBytes(32), private: randomBytes(32) },
    ]),
  );
}

function countingBlobs(inner: Blobs, c: Counters): Blobs {
  return {
    async put(key, body) {
      c.puts++;
      if (key.includes("/snap/")) c.snapshots++;
      c.bytes += body.byteLength;
      await inner.put(key, body);
    },
    get(key) {
      c.gets++;
      return inner.get(key);
    },
    list: (prefix, options) => inner.list(prefix, options),
    async delete(key) {
      c.deletes++;
      await inner.delete(key);
    },
  };
}
