import type { AuthenticationState } from "@whiskeysockets/baileys";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import type { SessionRef } from "./blob-keys.js";
import { CREDS_NAME, decodeCreds, encodeValue } from "./codec.js";
import { commitSnapshot, nextFreeSeq } from "./compaction.js";
import { createCompactor } from "./compactor.js";
import { AuthStateUnusableError } from "./errors.js";
import { createKeyStore } from "./key-store.js";
import { createLogWriter } from "./log-writer.js";
import { claimPointer } from "./pointer.js";
import { loadState } from "./restore.js";

export interface AuthStateDeps {
  records: Records;
  vault: Vault;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
}

export interface AuthStateOptions {
  /** The connector's lease epoch. Omitted: take over as current owner + 1 (plain library use). */
  epoch?: number;
  /** Extra wait before cutting a log blob when idle. Default 0: changes of the same event-loop turn. */
  groupCommitMs?: number;
  /** Compact after this many changes since the last snapshot. Default 5,000. */
  compactEveryChanges?: number;
  /** …or after this many log bytes. Default 8 MiB. */
  compactEveryBytes?: number;
  /** Snapshots kept as point-in-time backups. Default 3. */
  keepSnapshots?: number;
}

/** An open, owned auth state. Hand `state` to `makeWASocket` and call `saveCreds` on `creds.update`. */
export interface DurableAuthState {
  state: AuthenticationState;
  /** Logs the current `state.creds`; resolves once stored. */
  saveCreds(): Promise<void>;
  /** Resolves once every queued change is stored and no compaction runs. Rejects if the state failed. */
  flush(): Promise<void>;
  /** Flushes, then ends the state: later calls throw `auth_state.unusable`. */
  close(): Promise<void>;
  /** The owner epoch this state writes under. */
  epoch: number;
  /** True when the session had no state and got fresh `initAuthCreds()`. */
  isNew: boolean;
}

const DEFAULTS = {
  groupCommitMs: 0,
  compactEveryChanges: 5_000,
  compactEveryBytes: 8 << 20,
  keepSnapshots: 3,
};

/**
 * Opens the session's auth state as owner `options.epoch` (fencing out older owners) and restores
 * it. Only a session with no state at all gets `initAuthCreds()`, stored as its first snapshot
 * before this resolves; a missing or corrupt blob throws an error naming it. Throws
 * `auth_state.fenced` when a newer epoch owns the session.
 */
export async function openAuthState(
  deps: AuthStateDeps,
  ref: SessionRef,
  options: AuthStateOptions = {},
): Promise<DurableAuthState> {
  const o = { ...DEFAULTS, ...options };
  for (const name of ["epoch", "keepSnapshots", "compactEveryChanges", "compactEveryBytes"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 1))
      throw new RangeError(`openAuthState: option '${name}' must be a positive integer, got ${value}`);
  }
  const snapDeps = { records: deps.records, vault: deps.vault, clock: deps.clock ?? Date.now };
  let { pointer } = await claimPointer(deps.records, deps.vault, ref, options.epoch);
  const epoch = pointer.ownerEpoch;
  const loaded = await loadState(deps.vault, ref, pointer);
  const isNew = pointer.snapshot === null;
  if (isNew) {
    // Nothing was ever acknowledged for this session (open never returned), so fresh creds are safe.
    loaded.lastOwnSeq = await nextFreeSeq(deps.vault, ref, epoch);
    // Baileys is loaded only here, for a brand-new session: restores stay light.
    const { initAuthCreds } = await import("@whiskeysockets/baileys/lib/Utils/auth-utils.js");
    loaded.entries.set(CREDS_NAME, encodeValue(initAuthCreds()));
    const at = { epoch, seq: loaded.lastOwnSeq };
    pointer = await commitSnapshot(snapDeps, ref, pointer, at, loaded.entries, o.keepSnapshots);
  }
  const committed = loaded.entries;
  const creds = decodeCreds(committed.get(CREDS_NAME)!);
  let writer: ReturnType<typeof createLogWriter> | undefined;
  const compactor = createCompactor({
    deps: snapDeps,
    ref,
    epoch,
    pointer,
    committed,
    keepSnapshots: o.keepSnapshots,
    everyChanges: o.compactEveryChanges,
    everyBytes: o.compactEveryBytes,
    changesSinceSnapshot: loaded.logChanges,
    bytesSinceSnapshot: loaded.logBytes,
    onFatal: (error) => writer?.fail(error),
  });
  writer = createLogWriter({
    vault: deps.vault,
    ref,
    epoch,
    lastSeq: loaded.lastOwnSeq,
    committed,
    groupCommitMs: o.groupCommitMs,
    onCommitted: (seq, changes, bytes) => compactor.noteCommitted(seq, changes, bytes),
  });
  const log = writer;
  compactor.noteCommitted(loaded.lastOwnSeq, 0, 0);
  const flush = async (): Promise<void> => {
    await log.flush();
    await compactor.settle();
    log.assertUsable();
  };
  return {
    state: { creds, keys: createKeyStore(log) },
    saveCreds: () => log.write([[CREDS_NAME, encodeValue(creds)]]),
    flush,
    async close() {
      try {
        await flush();
      } finally {
        log.fail(new AuthStateUnusableError(ref.sessionId, new Error("auth state closed")));
      }
    },
    epoch,
    isNew,
  };
}
