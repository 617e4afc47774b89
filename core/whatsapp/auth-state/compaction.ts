import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import {
  comparePositions,
  type ParsedBlobKey,
  type Position,
  parseBlobKey,
  type SessionRef,
  sessionPrefix,
  snapKey,
} from "./blob-keys.js";
import { encodeBlob } from "./codec.js";
import { movePointer, type Pointer, type SnapshotInfo } from "./pointer.js";

/**
 * Snapshots: a full copy of the state at a log position, then a conditional pointer move,
 * then deletion of what the pointer no longer needs. The order matters: until the pointer has
 * moved, restore still reads the old snapshot and the log, so nothing may be deleted before.
 */

export interface SnapshotDeps {
  records: Records;
  vault: Vault;
  clock: () => number;
}

/**
 * Stores `entries` as the snapshot at `at` and makes it current: kept list = it plus the
 * newest `keep - 1` others, fences cleared (every older log is now before the snapshot).
 * `ownerEpoch` becomes `at.epoch`. Conditional on `pointer`; throws `auth_state.fenced` if it moved.
 */
export async function commitSnapshot(
  deps: SnapshotDeps,
  ref: SessionRef,
  pointer: Pointer,
  at: Position,
  entries: Iterable<readonly [string, string]>,
  keep: number,
): Promise<Pointer> {
  const body = encodeBlob("snap", entries);
  await deps.vault.put(snapKey(ref, at), body);
  const generation = Math.max(0, ...pointer.snapshots.map((s) => s.generation)) + 1;
  const info: SnapshotInfo = { ...at, generation, createdAt: deps.clock(), size: body.byteLength };
  return movePointer(deps.records, ref, pointer, {
    ownerEpoch: at.epoch,
    snapshot: info,
    snapshots: [info, ...pointer.snapshots].slice(0, Math.max(1, keep)),
    fences: {},
  });
}

/**
 * Deletes log blobs at or before the current snapshot and snapshots no longer kept, for epochs up
 * to the owner's. Blobs of a newer epoch are never touched: they may belong to an owner that
 * took over since and has not moved the pointer yet. Returns how many blobs were deleted.
 */
export async function deleteUnneeded(vault: Vault, ref: SessionRef, pointer: Pointer): Promise<number> {
  const current = pointer.snapshot;
  if (!current) return 0;
  const kept = new Set(pointer.snapshots.map((s) => snapKey(ref, s)));
  kept.add(snapKey(ref, current));
  const doomed = (await vault.listAll(sessionPrefix(ref)))
    .map((b) => parseBlobKey(ref, b.key))
    .filter((p): p is ParsedBlobKey => p !== null && p.epoch <= pointer.ownerEpoch)
    .filter((p) => (p.kind === "wal" ? comparePositions(p, current) <= 0 : !kept.has(p.key)));
  await forEachLimit(doomed, 16, (p) => vault.delete(p.key));
  return doomed.length;
}

/** Runs `work` over `items`, at most `limit` at once; rejects with the first failure. */
export async function forEachLimit<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** First seq of `epoch` that no blob (log or snapshot) of the session uses yet. */
export async function nextFreeSeq(vault: Vault, ref: SessionRef, epoch: number): Promise<number> {
  let next = 0;
  for (const blob of await vault.listAll(sessionPrefix(ref))) {
    const at = parseBlobKey(ref, blob.key);
    if (at?.epoch === epoch) next = Math.max(next, at.seq + 1);
  }
  return next;
}
