import { writeSync } from "node:fs";
import type { DurableAuthState } from "../../core/whatsapp/auth-state/index.js";

/**
 * The workload and the read-back shared by the crash test (`crash-child.ts`, `crash.test.ts`)
 * and the crash campaign (`bench/crash.ts`), so both check the same traffic the same way.
 * Tokens name values, never key material.
 */

/** A deterministic PRNG from a trial's seed, so a failing trial can be replayed. */
export function seededRandom(seedText: string): { random(): number; pick(n: number): number } {
  let seed = Number(seedText) >>> 0 || 1;
  const random = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  return { random, pick: (n) => Math.floor(random() * n) };
}

/**
 * Writes one protocol line to stdout synchronously, so a printed line survives a SIGKILL that
 * follows. stdout is a non-blocking pipe: when the parent reads slowly a write returns EAGAIN,
 * so the rest is retried.
 */
export function printLine(line: string): void {
  let rest = Buffer.from(`${line}\n`);
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}

/**
 * Applies message-like `keys.set` traffic (a session ratchet, maybe a consumed pre-key, maybe
 * group sender keys) and creds updates from `1 + pick(maxWorkers)` concurrent workers, forever.
 * Prints `T <op> <name>=<token|DEL>,…` before each change and `A <op>` once it resolved.
 */
export async function runWorkload(
  auth: DurableAuthState,
  options: {
    seedText: string;
    rng: ReturnType<typeof seededRandom>;
    print: (line: string) => void;
    maxWorkers: number;
  },
): Promise<never> {
  const { random, pick } = options.rng;
  const { creds, keys } = auth.state;
  let op = 0;
  const token = (): string => `${options.seedText}-${op}-${pick(1e9)}`;
  const message = async (): Promise<void> => {
    const id = ++op;
    const changes: [string, string | null][] = [];
    const session = `${pick(40)}.0`;
    const t = token();
    const set: Record<string, Record<string, unknown>> = { session: { [session]: Buffer.from(t) } };
    changes.push([`session-${session}`, t]);
    if (random() < 0.4) {
      const preKey = String(1 + pick(30));
      const value = random() < 0.5 ? token() : null;
      set["pre-key"] = { [preKey]: value ? { public: Buffer.from(value), private: Buffer.alloc(32) } : null };
      changes.push([`pre-key-${preKey}`, value]);
    }
    if (random() < 0.3) {
      const group = `g${pick(5)}`;
      const value = token();
      set["sender-key"] = { [group]: Buffer.from(value) };
      changes.push([`sender-key-${group}`, value]);
    }
    options.print(`T ${id} ${changes.map(([n, v]) => `${n}=${v ?? "DEL"}`).join(",")}`);
    await keys.set(set);
    options.print(`A ${id}`);
  };
  const credsUpdate = async (): Promise<void> => {
    const id = ++op;
    creds.lastAccountSyncTimestamp = id;
    options.print(`T ${id} creds=${id}`);
    await auth.saveCreds();
    options.print(`A ${id}`);
  };
  const workers = 1 + pick(options.maxWorkers);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) await (random() < 0.1 ? credsUpdate() : message());
    }),
  );
  throw new Error("unreachable: the workload runs until the process is killed");
}

/** The restored state's token for each of `names` (`creds` included), `null` when absent. */
export async function readBack(
  auth: DurableAuthState,
  names: Iterable<string>,
): Promise<(name: string) => string | null> {
  const { creds, keys } = auth.state;
  const all = [...names];
  const values = new Map<string, string | null>();
  const ids = (prefix: string): string[] =>
    all.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  for (const [prefix, type] of [
    ["session-", "session"],
    ["sender-key-", "sender-key"],
    ["pre-key-", "pre-key"],
  ] as const) {
    const got = await keys.get(type, ids(prefix));
    for (const [id, value] of Object.entries(got)) {
      const bytes = type === "pre-key" ? (value as { public: Uint8Array }).public : (value as Uint8Array);
      values.set(`${prefix}${id}`, Buffer.from(bytes).toString());
    }
  }
  const credsToken =
    creds.lastAccountSyncTimestamp === undefined ? null : String(creds.lastAccountSyncTimestamp);
  return (name) => (name === "creds" ? credsToken : (values.get(name) ?? null));
}
