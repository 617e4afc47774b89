import type { Vault } from "../../vault/vault.js";
import { type SessionRef, walKey } from "./blob-keys.js";
import { type Entry, encodeBlob } from "./codec.js";
import { AuthStateUnusableError } from "./errors.js";

/**
 * The write path: changes are group-committed into log blobs, one blob in flight at a time so
 * seqs land in order. A change is visible to reads as soon as it is queued; its promise resolves
 * only once the blob carrying it is stored. The first failed write rejects that blob's callers
 * and ends the writer: every later call throws `auth_state.unusable` until the state is reopened.
 */
export interface LogWriter {
  /** Queues the changes; resolves when they are durable. Unchanged values cost nothing. */
  write(entries: Iterable<Entry>): Promise<void>;
  /** The value as the next restore will see it once queued writes land; `undefined` = absent. */
  read(name: string): string | undefined;
  /** Every name present as `read` sees it. */
  names(): string[];
  /** Resolves when nothing is queued or in flight; rejects if the writer has failed. */
  flush(): Promise<void>;
  /** Ends the writer with `cause` (a failed compaction, a fence, close): queued callers are rejected. */
  fail(cause: unknown): void;
  /** Throws `auth_state.unusable` once the writer has failed. */
  assertUsable(): void;
}

export interface LogWriterOptions {
  vault: Vault;
  ref: SessionRef;
  epoch: number;
  /** Last seq already used by this epoch; the first blob gets `lastSeq + 1`. */
  lastSeq: number;
  /** What storage holds as of `lastSeq`; updated in place after every stored blob. */
  committed: Map<string, string>;
  /** Extra wait before a blob is cut when idle; 0 = the current event-loop turn. */
  groupCommitMs: number;
  /** Called after each stored blob, with `committed` already up to date. */
  onCommitted(seq: number, changes: number, bytes: number): void;
}

interface Batch {
  entries: Map<string, string | null>;
  waiters: { resolve(): void; reject(error: unknown): void }[];
}

export function createLogWriter(options: LogWriterOptions): LogWriter {
  const { vault, ref, epoch, committed } = options;
  const overlay = new Map<string, string | null>();
  let seq = options.lastSeq;
  let pending: Batch = { entries: new Map(), waiters: [] };
  let inFlight = false;
  let scheduled = false;
  let failure: unknown = null;
  const idleWaiters: Batch["waiters"] = [];

  const unusable = (): AuthStateUnusableError =>
    failure instanceof AuthStateUnusableError ? failure : new AuthStateUnusableError(ref.sessionId, failure);
  const assertUsable = (): void => {
    if (failure !== null) throw unusable();
  };
  const settleIdle = (): void => {
    if (inFlight || scheduled || pending.entries.size > 0) return;
    for (const w of idleWaiters.splice(0)) failure === null ? w.resolve() : w.reject(unusable());
  };
  const schedule = (): void => {
    if (inFlight || scheduled || pending.entries.size === 0) return;
    scheduled = true;
    if (options.groupCommitMs > 0) setTimeout(run, options.groupCommitMs);
    else setImmediate(run);
  };
  const fail = (cause: unknown): void => {
    if (failure !== null) return;
    failure = cause;
    const queued = pending;
    pending = { entries: new Map(), waiters: [] };
    for (const w of queued.waiters) w.reject(unusable());
    settleIdle();
  };

  async function run(): Promise<void> {
    scheduled = false;
    if (failure !== null) return;
    const batch = pending;
    pending = { entries: new Map(), waiters: [] };
    inFlight = true;
    const body = encodeBlob("wal", batch.entries);
    try {
      await vault.put(walKey(ref, { epoch, seq: seq + 1 }), body);
    } catch (error) {
      inFlight = false;
      for (const w of batch.waiters) w.reject(error);
      fail(error);
      return;
    }
    seq++;
    for (const [name, json] of batch.entries) {
      if (json === null) committed.delete(name);
      else committed.set(name, json);
      // A later queued change to the same name keeps its overlay entry.
      if (overlay.get(name) === json) overlay.delete(name);
    }
    inFlight = false;
    for (const w of batch.waiters) w.resolve();
    options.onCommitted(seq, batch.entries.size, body.byteLength);
    schedule();
    settleIdle();
  }

  return {
    write(entries) {
      if (failure !== null) return Promise.reject(unusable());
      let changed = false;
      for (const [name, json] of entries) {
        // Idempotent: a value storage already holds, with nothing queued over it, needs no write.
        if (!overlay.has(name) && (committed.get(name) ?? null) === json) continue;
        overlay.set(name, json);
        pending.entries.delete(name); // keep batch order = last write order
        pending.entries.set(name, json);
        changed = true;
      }
      if (!changed) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.waiters.push({ resolve, reject });
        schedule();
      });
    },
    read(name) {
      assertUsable();
      const queued = overlay.get(name);
      if (queued !== undefined) return queued ?? undefined;
      return committed.get(name);
    },
    names() {
      assertUsable();
      const names = new Set(committed.keys());
      for (const [name, json] of overlay) json === null ? names.delete(name) : names.add(name);
      return [...names];
    },
    flush() {
      return new Promise<void>((resolve, reject) => {
        idleWaiters.push({ resolve, reject });
        settleIdle();
      });
    },
    fail,
    assertUsable,
  };
}
