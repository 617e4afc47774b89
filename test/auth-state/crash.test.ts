import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLocalStorage } from "../../core/storage/local.js";
import { createVault } from "../../core/vault/vault.js";
import { openAuthState } from "../../core/whatsapp/auth-state/index.js";
import { readBack } from "./crash-workload.js";

/**
 * Issue 3 must-show: a child applying random `keys.set` traffic through the auth state on the
 * local file adapter is SIGKILLed at random points, one fresh process per trial. After each
 * kill the state is restored in this process: every change whose set() resolved is there (or
 * was overwritten by a later change that may have landed), and no restore starts fresh creds.
 */
const TRIALS = Number(process.env.CRASH_TRIALS ?? 200);
const LANES = Number(process.env.CRASH_PARALLEL ?? 8);
const CHILD = fileURLToPath(new URL("./crash-child.ts", import.meta.url));
const REF = { tenantId: "crash", sessionId: "wa" };

interface Lane {
  dataDir: string;
  key: Buffer;
  /** name -> token as of the last verified restore (`null` = absent). */
  durable: Map<string, string | null>;
  /** registrationId + noise key of the lane's creds, once any open has returned. */
  identity: string | null;
  problems: string[];
  acked: number;
  killedBeforeOpen: number;
}

describe("auth state crash safety (local adapter, SIGKILL)", () => {
  it(`keeps every acknowledged change across ${TRIALS} SIGKILLed child processes`, async () => {
    const lanes = await Promise.all(Array.from({ length: LANES }, () => createLane()));
    let next = 0;
    await Promise.all(
      lanes.map(async (lane) => {
        while (next < TRIALS) await runTrial(lane, next++);
      }),
    );
    await Promise.all(lanes.map((l) => rm(l.dataDir, { recursive: true, force: true })));
    const acked = lanes.reduce((n, l) => n + l.acked, 0);
    const early = lanes.reduce((n, l) => n + l.killedBeforeOpen, 0);
    console.log(
      `crash test: ${next} trials, ${acked} acknowledged changes checked, ${early} killed before open`,
    );
    expect(lanes.flatMap((l) => l.problems)).toEqual([]);
    expect(next).toBeGreaterThanOrEqual(TRIALS);
    expect(acked).toBeGreaterThan(TRIALS);
  }, 900_000);
});

// --- Internal helpers ---

async function createLane(): Promise<Lane> {
  const dataDir = await mkdtemp(join(tmpdir(), "sv-crash-"));
  return {
    dataDir,
    key: randomBytes(32),
    durable: new Map(),
    identity: null,
    problems: [],
    acked: 0,
    killedBeforeOpen: 0,
  };
}

async function runTrial(lane: Lane, trial: number): Promise<void> {
  const { lines, opened } = await runChild(lane, trial);
  if (!opened) lane.killedBeforeOpen++;
  // Per name: the token of the last acknowledged change (acks arrive in log order) and every token tried but never acknowledged.
  const tried = new Map<string, [string, string | null][]>();
  const last = new Map<string, string | null>();
  const unacked = new Map<string, Set<string | null>>();
  for (const line of lines) {
    const [tag, op, rest] = line.split(" ");
    if (tag === "O") {
      const [, isNew, registrationId, noiseKey] = line.split(" ");
      checkIdentity(lane, `${registrationId} ${noiseKey}`, isNew === "true", `trial ${trial} child`);
    }
    if (tag === "T")
      tried.set(
        op!,
        rest!.split(",").map((c) => split(c)),
      );
    if (tag === "A") {
      for (const [name, token] of tried.get(op!) ?? []) last.set(name, token);
      tried.delete(op!);
      lane.acked++;
    }
  }
  for (const changes of tried.values())
    for (const [name, token] of changes) unacked.set(name, (unacked.get(name) ?? new Set()).add(token));
  const names = new Set([...lane.durable.keys(), ...last.keys(), ...unacked.keys()]);
  const restored = await restore(lane, trial, names);
  for (const name of names) {
    const expected = last.has(name) ? last.get(name)! : (lane.durable.get(name) ?? null);
    const got = restored(name);
    if (got !== expected && !unacked.get(name)?.has(got))
      lane.problems.push(`trial ${trial}: ${name} restored as ${got}, acknowledged ${expected}`);
    lane.durable.set(name, got);
  }
}

/** Opens the lane's state as the next owner, like a restarted connector, and reads every name back. */
async function restore(
  lane: Lane,
  trial: number,
  all: Set<string>,
): Promise<(name: string) => string | null> {
  const storage = createLocalStorage({ dataDir: lane.dataDir });
  const auth = await openAuthState(
    { records: storage.records, vault: createVault(storage.blobs, lane.key) },
    REF,
    {
      compactEveryChanges: 100,
    },
  );
  const { creds } = auth.state;
  checkIdentity(
    lane,
    `${creds.registrationId} ${Buffer.from(creds.noiseKey.public).toString("base64")}`,
    auth.isNew,
    `trial ${trial} restore`,
  );
  const read = await readBack(auth, all);
  await auth.close();
  return read;
}

/** Runs one child and SIGKILLs it at a random point: mostly soon after it opened, sometimes blindly. */
function runChild(lane: Lane, trial: number): Promise<{ lines: string[]; opened: boolean }> {
  const seed = String(1 + trial);
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, lane.dataDir, lane.key.toString("hex"), seed],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  let opened = false;
  const kill = (): void => {
    child.kill("SIGKILL");
  };
  const blind = Math.random() < 0.15;
  const timers = [setTimeout(kill, 120_000)];
  if (blind) timers.push(setTimeout(kill, Math.random() * 4_000));
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (!opened && stdout.startsWith("O ")) {
      opened = true;
      if (!blind) timers.push(setTimeout(kill, Math.random() * 500));
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve) => {
    child.on("close", (_code, signal) => {
      for (const t of timers) clearTimeout(t);
      if (signal !== "SIGKILL")
        lane.problems.push(`trial ${trial}: child ended by ${signal ?? "exit"}: ${stderr.slice(0, 500)}`);
      // A line cut by the kill is incomplete: drop it.
      const lines = stdout.split("\n");
      lines.pop();
      resolve({ lines, opened });
    });
  });
}

function checkIdentity(lane: Lane, identity: string, isNew: boolean, who: string): void {
  if (lane.identity === null) {
    lane.identity = identity;
    return;
  }
  if (isNew || identity !== lane.identity) lane.problems.push(`${who}: started fresh creds`);
}

function split(change: string): [string, string | null] {
  const at = change.lastIndexOf("=");
  const token = change.slice(at + 1);
  return [change.slice(0, at), token === "DEL" ? null : token];
}
