/**
 * `npm run bench:crash` — prints figures, asserts nothing (issue 9).
 * A SIGKILL campaign against the durable auth state on the local file adapter: each trial is a fresh
 * child process that opens the state (small compaction thresholds, so snapshots and pointer moves
 * happen every few dozen changes) and applies random message-like `keys.set` traffic and creds
 * updates, like `test/auth-state/crash-child.ts`, and additionally prints a marker before and after
 * each storage write: log commit, snapshot (compaction), pointer move, pruning. The parent kills it
 * at a random moment, aimed in turn at a commit, a compaction and a pointer move, classifies the
 * trial by the writes in flight at death, then restores the state as the next owner and counts
 * acknowledged changes that are missing (lost writes) and restores that fail or start fresh creds.
 *
 * Env: BENCH_CRASH_TRIALS (default 1000), BENCH_CRASH_LANES (parallel lanes, default 4).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalStorage } from "../core/storage/local.js";
import type { Blobs, Records, Storage } from "../core/storage/types.js";
import { createVault } from "../core/vault/vault.js";
import { openAuthState } from "../core/whatsapp/auth-state/index.js";
import { printLine, readBack, runWorkload, seededRandom } from "../test/auth-state/crash-workload.js";

const REF = { tenantId: "crash", sessionId: "wa" };
const TRIALS = Number(process.env.BENCH_CRASH_TRIALS ?? 1_000);
const LANES = Number(process.env.BENCH_CRASH_LANES ?? 4);
/** What a trial's kill is aimed at: the start of that kind of write, or a random moment (`blind`). */
type Target = "commit" | "snapshot" | "pointer" | "blind";
const TARGETS: Target[] = ["commit", "snapshot", "pointer", "blind"];

// --- Child -------------------------------------------------------------------------------------

/**
 * Protocol on stdout, one line each, written synchronously (a printed line survives the kill):
 *   O <isNew> <registrationId> <noiseKeyPublicBase64>   the state is open
 *   T <op> <name>=<token>,…                             a change is about to be set (DEL = delete)
 *   A <op>                                              that change's set()/saveCreds() resolved
 *   P <io> <commit|snapshot|pointer|prune>              a storage write starts
 *   D <io>                                              that write finished
 */
async function child(dataDir: string, keyHex: string, seedText: string): Promise<void> {
  const rng = seededRandom(seedText);
  const print = printLine;
  const storage = markWrites(createLocalStorage({ dataDir }), print);
  const vault = createVault(storage.blobs, Buffer.from(keyHex, "hex"));
  const auth = await openAuthState({ records: storage.records, vault }, REF, {
    compactEveryChanges: 5 + rng.pick(40),
    keepSnapshots: 2,
  });
  const { creds } = auth.state;
  print(`O ${auth.isNew} ${creds.registrationId} ${Buffer.from(creds.noiseKey.public).toString("base64")}`);
  await runWorkload(auth, { seedText, rng, print, maxWorkers: 8 });
}

/** `storage` with a P/D line around every write, named by what the auth state is doing. */
function markWrites(storage: Storage, print: (line: string) => void): Storage {
  let io = 0;
  const marked = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const id = ++io;
    print(`P ${id} ${phase}`);
    const out = await work();
    print(`D ${id}`);
    return out;
  };
  const isPointer = (sk: string): boolean => sk.endsWith("#state");
  const blobs: Blobs = {
    put: (key, body) =>
      marked(key.includes("/snap/") ? "snapshot" : "commit", () => storage.blobs.put(key, body)),
    get: (key) => storage.blobs.get(key),
    list: (prefix, options) => storage.blobs.list(prefix, options),
    delete: (key) => marked("prune", () => storage.blobs.delete(key)),
  };
  const records: Records = {
    get: (key) => storage.records.get(key),
    create: (record) =>
      isPointer(record.sk)
        ? marked("pointer", () => storage.records.create(record))
        : storage.records.create(record),
    update: (key, change, condition) =>
      isPointer(key.sk)
        ? marked("pointer", () => storage.records.update(key, change, condition))
        : storage.records.update(key, change, condition),
    delete: (key, condition) => storage.records.delete(key, condition),
    query: (pk, options) => storage.records.query(pk, options),
    queryIndex: (pk, options) => storage.records.queryIndex(pk, options),
  };
  return { blobs, records, close: () => storage.close() };
}

// --- Parent ------------------------------------------------------------------------------------

interface Lane {
  dataDir: string;
  key: Buffer;
  /** name -> token as of the last verified restore (`null` = absent). */
  durable: Map<string, string | null>;
  identity: string | null;
}

interface Tally {
  trials: number;
  /** Phase at death (the writes in flight) -> trials. */
  phases: Record<string, number>;
  acknowledged: number;
  lost: number;
  lostDetails: string[];
  failedRestores: number;
  restoreDetails: string[];
  killedBeforeOpen: number;
  childErrors: string[];
  restoreMs: number[];
}

async function campaign(): Promise<void> {
  console.log(
    `crash bench: ${TRIALS} SIGKILL trials, ${LANES} lanes, local adapter\n` +
      `machine: ${cpus().length} CPUs, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ` +
      `load average at start ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );
  const childJs = await bundleChild();
  const lanes = await Promise.all(
    Array.from({ length: LANES }, async () => ({
      dataDir: await mkdtemp(join(tmpdir(), "sv-bench-crash-")),
      key: randomBytes(32),
      durable: new Map<string, string | null>(),
      identity: null,
    })),
  );
  const tally: Tally = {
    trials: 0,
    phases: {},
    acknowledged: 0,
    lost: 0,
    lostDetails: [],
    failedRestores: 0,
    restoreDetails: [],
    killedBeforeOpen: 0,
    childErrors: [],
    restoreMs: [],
  };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < TRIALS) {
        const trial = next++;
        await runTrial(childJs, lane, trial, TARGETS[trial % TARGETS.length]!, tally);
        if (tally.trials % 100 === 0) process.stderr.write(`  ${tally.trials}/${TRIALS} trials\n`);
      }
    }),
  );
  await Promise.all(lanes.map((l) => rm(l.dataDir, { recursive: true, force: true })));
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...tally.restoreMs].sort((a, b) => a - b);
  const pct = (p: number): string => (sorted[Math.floor((sorted.length - 1) * p)] ?? 0).toFixed(1);

  console.log(
    `\ntrials: ${tally.trials} in ${seconds.toFixed(0)} s (${tally.killedBeforeOpen} killed before open returned)`,
  );
  console.log("killed during (writes in flight at the kill):");
  for (const [phase, n] of Object.entries(tally.phases).sort((a, b) => b[1] - a[1]))
    console.log(`  ${phase.padEnd(34)} ${n}`);
  console.log(`acknowledged changes checked: ${tally.acknowledged}`);
  console.log(`acknowledged writes lost:     ${tally.lost}`);
  console.log(`failed restores:              ${tally.failedRestores}`);
  console.log(`restore time (open as next owner) p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
  if (tally.childErrors.length) console.log(`child errors (not killed by us): ${tally.childErrors.length}`);
  for (const d of [...tally.lostDetails, ...tally.restoreDetails, ...tally.childErrors].slice(0, 20))
    console.log(`  ${d}`);
  console.log(
    `load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

/** The child as one ESM file (esbuild, packages external) beside node_modules: starts in ~0.1 s instead of tsx's ~1 s. */
async function bundleChild(): Promise<string> {
  const { build } = await import("esbuild");
  const root = fileURLToPath(new URL("..", import.meta.url));
  const outfile = join(root, "node_modules", ".cache", "sessionvault-bench", "crash-child.mjs");
  await mkdir(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  return outfile;
}

async function runTrial(
  childJs: string,
  lane: Lane,
  trial: number,
  target: Target,
  tally: Tally,
): Promise<void> {
  const { lines, opened, error } = await runChild(childJs, lane, trial, target);
  tally.trials++;
  if (error) tally.childErrors.push(`trial ${trial}: ${error}`);
  if (!opened) tally.killedBeforeOpen++;
  const phase = phaseAtDeath(lines, opened);
  tally.phases[phase] = (tally.phases[phase] ?? 0) + 1;

  const tried = new Map<string, [string, string | null][]>();
  const last = new Map<string, string | null>();
  for (const line of lines) {
    const [tag, op, rest] = line.split(" ");
    if (tag === "O") {
      const [, isNew, registrationId, noiseKey] = line.split(" ");
      identityCheck(
        lane,
        `${registrationId} ${noiseKey}`,
        isNew === "true",
        `trial ${trial} child open`,
        tally,
      );
    } else if (tag === "T") tried.set(op!, rest!.split(",").map(splitChange));
    else if (tag === "A") {
      for (const [name, token] of tried.get(op!) ?? []) last.set(name, token);
      tried.delete(op!);
      tally.acknowledged++;
    }
  }
  const unacked = new Map<string, Set<string | null>>();
  for (const changes of tried.values())
    for (const [name, token] of changes) unacked.set(name, (unacked.get(name) ?? new Set()).add(token));
  const names = new Set([...lane.durable.keys(), ...last.keys(), ...unacked.keys()]);

  let restored: (name: string) => string | null;
  const t0 = performance.now();
  try {
    restored = await restore(lane, trial, names, tally);
  } catch (e) {
    tally.failedRestores++;
    tally.restoreDetails.push(`trial ${trial} (${phase}): restore threw ${String(e).slice(0, 200)}`);
    return;
  }
  tally.restoreMs.push(performance.now() - t0);
  for (const name of names) {
    const expected = last.has(name) ? last.get(name)! : (lane.durable.get(name) ?? null);
    const got = restored(name);
    if (got !== expected && !unacked.get(name)?.has(got)) {
      tally.lost++;
      tally.lostDetails.push(
        `trial ${trial} (${phase}): ${name} restored as ${got}, acknowledged ${expected}`,
      );
    }
    lane.durable.set(name, got);
  }
}

/** What the child was writing when it died: the phases of writes started and not finished. */
function phaseAtDeath(lines: string[], opened: boolean): string {
  const inFlight = new Map<string, string>();
  for (const line of lines) {
    const [tag, id, phase] = line.split(" ");
    if (tag === "P") inFlight.set(id!, phase!);
    else if (tag === "D") inFlight.delete(id!);
  }
  const phases = new Set(inFlight.values());
  const prefix = opened ? "" : "open: ";
  if (phases.has("pointer")) return `${prefix}pointer move`;
  if (phases.has("snapshot")) return `${prefix}compaction (snapshot write)`;
  if (phases.has("prune")) return `${prefix}compaction (pruning old blobs)`;
  if (phases.has("commit")) return `${prefix}commit (log blob write)`;
  return `${prefix}between writes`;
}

async function restore(
  lane: Lane,
  trial: number,
  all: Set<string>,
  tally: Tally,
): Promise<(name: string) => string | null> {
  const storage = createLocalStorage({ dataDir: lane.dataDir });
  const auth = await openAuthState(
    { records: storage.records, vault: createVault(storage.blobs, lane.key) },
    REF,
    { compactEveryChanges: 100 },
  );
  const { creds } = auth.state;
  identityCheck(
    lane,
    `${creds.registrationId} ${Buffer.from(creds.noiseKey.public).toString("base64")}`,
    auth.isNew,
    `trial ${trial} restore`,
    tally,
  );
  const read = await readBack(auth, all);
  await auth.close();
  await storage.close();
  return read;
}

/** A restore that starts fresh creds, or another identity, is a failed restore. */
function identityCheck(lane: Lane, identity: string, isNew: boolean, who: string, tally: Tally): void {
  if (lane.identity === null) {
    lane.identity = identity;
    return;
  }
  if (isNew || identity !== lane.identity) {
    tally.failedRestores++;
    tally.restoreDetails.push(`${who}: started fresh creds`);
  }
}

/**
 * Runs one child and SIGKILLs it: on the 1st-4th start of a write of the `target` kind after open,
 * after 0-2 ms; `blind` trials at a random 0-1.5 s after open (some before open returns).
 */
function runChild(
  childJs: string,
  lane: Lane,
  trial: number,
  target: Target,
): Promise<{ lines: string[]; opened: boolean; error?: string }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [childJs, "--child", lane.dataDir, lane.key.toString("hex"), String(1 + trial)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  let opened = false;
  let seen = 0;
  let armed = false;
  const nth = 1 + Math.floor(Math.random() * 4);
  const kill = (): void => {
    child.kill("SIGKILL");
  };
  const timers: NodeJS.Timeout[] = [setTimeout(kill, 30_000)];
  if (target === "blind") timers.push(setTimeout(kill, 150 + Math.random() * 1_500));
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    stdout += text;
    partial += text;
    const parts = partial.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      if (line.startsWith("O ")) opened = true;
      if (armed || target === "blind" || !opened || !line.startsWith("P ")) continue;
      if (line.endsWith(` ${target}`) && ++seen >= nth) {
        armed = true;
        const delay = Math.random() * 3;
        if (delay < 1) setImmediate(kill);
        else timers.push(setTimeout(kill, delay));
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => {
    child.on("close", (_code, signal) => {
      for (const t of timers) clearTimeout(t);
      const lines = stdout.split("\n");
      lines.pop(); // a line cut by the kill is incomplete
      const error =
        signal === "SIGKILL" ? undefined : `ended by ${signal ?? "exit"}: ${stderr.slice(0, 300)}`;
      resolve({ lines, opened, ...(error ? { error } : {}) });
    });
  });
}

function splitChange(change: string): [string, string | null] {
  const at = change.lastIndexOf("=");
  const token = change.slice(at + 1);
  return [change.slice(0, at), token === "DEL" ? null : token];
}

// Last, so every constant above is initialised before either side runs.
if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await campaign();
