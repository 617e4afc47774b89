import { AlreadyExistsError, ConditionFailedError } from "../../error.js";
import type { Attrs, AttrValue, Records, StoredRecord } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import {
  type Position,
  parseBlobKey,
  pointerKey,
  type SessionRef,
  sessionPrefix,
  walPrefix,
} from "./blob-keys.js";
import { AuthStateFencedError, AuthStateInvalidError } from "./errors.js";

/**
 * The session's pointer record: who owns the state (`ownerEpoch`), which snapshot is current,
 * the kept snapshots, and the fences that keep stale owners' log out of every restore.
 * Every write is conditional on the version read, so two writers can never both succeed.
 */

/** A kept snapshot: a point-in-time backup. `generation` grows by one per snapshot. */
export type SnapshotInfo = Position & { generation: number; createdAt: number; size: number };

export interface Pointer {
  version: number;
  ownerEpoch: number;
  /** The snapshot restores start from; `null` only while a new session is being created. */
  snapshot: SnapshotInfo | null;
  /** Kept snapshots, newest generation first. */
  snapshots: SnapshotInfo[];
  /** epoch -> last seq of that epoch's log that counts. Epochs absent here (and not `ownerEpoch`) count nothing. */
  fences: Record<string, number>;
}

/** The pointer, or `null` when the session has none. */
export async function readPointer(records: Records, ref: SessionRef): Promise<Pointer | null> {
  const row = await records.get(pointerKey(ref));
  return row === null ? null : fromRecord(ref, row);
}

/**
 * Makes `epoch` (default: current owner + 1) the owner. A takeover fences the previous owner's
 * log at the last blob it has stored, so what it writes afterwards is never replayed. Returns
 * the pointer as written; `created` when the session had no pointer. Throws `auth_state.fenced`
 * when a newer epoch already owns it, `auth_state.invalid` when blobs exist without a pointer.
 */
export async function claimPointer(
  records: Records,
  vault: Vault,
  ref: SessionRef,
  epoch?: number,
): Promise<{ pointer: Pointer; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const current = await readPointer(records, ref);
    if (current === null) {
      if ((await vault.list(sessionPrefix(ref), { limit: 1 })).items.length > 0)
        throw new AuthStateInvalidError(ref.sessionId, "blobs exist but the pointer record is missing");
      const attrs: Attrs = { ownerEpoch: epoch ?? 1, snapshot: null, snapshots: [], fences: {} };
      try {
        const row = await records.create({ ...pointerKey(ref), attrs });
        return { pointer: fromRecord(ref, row), created: true };
      } catch (error) {
        if (!(error instanceof AlreadyExistsError) || attempt >= 5) throw error;
        continue;
      }
    }
    const target = epoch ?? current.ownerEpoch + 1;
    if (current.ownerEpoch > target)
      throw new AuthStateFencedError(ref.sessionId, target, current.ownerEpoch);
    if (current.ownerEpoch === target) return { pointer: current, created: false };
    const fences = { ...current.fences, [current.ownerEpoch]: await lastSeq(vault, ref, current) };
    try {
      return {
        pointer: await movePointer(records, ref, current, { ownerEpoch: target, fences }),
        created: false,
      };
    } catch (error) {
      if (!(error instanceof AuthStateFencedError) || attempt >= 5) throw error;
    }
  }
}

/**
 * Writes `change` only if the pointer is still at `expected`'s version and owner epoch.
 * Throws `auth_state.fenced` otherwise (someone else moved it: we are no longer the owner).
 */
export async function movePointer(
  records: Records,
  ref: SessionRef,
  expected: Pointer,
  change: Partial<Omit<Pointer, "version">>,
): Promise<Pointer> {
  const set: Attrs = {};
  for (const [name, value] of Object.entries(change)) set[name] = value as AttrValue;
  try {
    const row = await records.update(
      pointerKey(ref),
      { set },
      {
        version: expected.version,
        equals: { ownerEpoch: expected.ownerEpoch },
      },
    );
    return fromRecord(ref, row);
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const now = await readPointer(records, ref);
    throw new AuthStateFencedError(
      ref.sessionId,
      change.ownerEpoch ?? expected.ownerEpoch,
      now?.ownerEpoch ?? -1,
      error,
    );
  }
}

/** True when restore replays the log blob at `at` under `pointer` (DESIGN §4 fencing rule). */
export function countsForRestore(pointer: Pointer, at: Position): boolean {
  const snap = pointer.snapshot;
  if (snap && (at.epoch < snap.epoch || (at.epoch === snap.epoch && at.seq <= snap.seq))) return false;
  if (at.epoch === pointer.ownerEpoch) return true;
  const fence = pointer.fences[String(at.epoch)];
  return fence !== undefined && at.seq <= fence;
}

// --- Internal helpers ---

/** Last seq the owner of `pointer` has stored (its listed log, or its snapshot), 0 for none. */
async function lastSeq(vault: Vault, ref: SessionRef, pointer: Pointer): Promise<number> {
  let last = pointer.snapshot?.epoch === pointer.ownerEpoch ? pointer.snapshot.seq : 0;
  for (const blob of await vault.listAll(walPrefix(ref))) {
    const at = parseBlobKey(ref, blob.key);
    if (at?.kind === "wal" && at.epoch === pointer.ownerEpoch) last = Math.max(last, at.seq);
  }
  return last;
}

function fromRecord(ref: SessionRef, row: StoredRecord): Pointer {
  const { ownerEpoch, snapshot, snapshots, fences } = row.attrs;
  const valid =
    typeof ownerEpoch === "number" &&
    (snapshot === null || isSnapshot(snapshot)) &&
    Array.isArray(snapshots) &&
    snapshots.every(isSnapshot) &&
    typeof fences === "object" &&
    fences !== null &&
    !Array.isArray(fences) &&
    Object.values(fences).every((v) => typeof v === "number");
  if (!valid) throw new AuthStateInvalidError(ref.sessionId, "pointer record is malformed");
  return {
    version: row.version,
    ownerEpoch,
    snapshot: snapshot as unknown as SnapshotInfo | null,
    snapshots: snapshots as unknown as SnapshotInfo[],
    fences: fences as Record<string, number>,
  };
}

function isSnapshot(value: AttrValue | undefined): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return ["epoch", "seq", "generation", "createdAt", "size"].every((f) => typeof value[f] === "number");
}
