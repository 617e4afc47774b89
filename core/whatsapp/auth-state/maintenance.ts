import { BlobCorruptError, BlobMissingError } from "../../error.js";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import {
  type ParsedBlobKey,
  parseBlobKey,
  pointerKey,
  type SessionRef,
  sessionPrefix,
  walPrefix,
} from "./blob-keys.js";
import { deleteUnneeded, forEachLimit } from "./compaction.js";
import { AuthStateInvalidError } from "./errors.js";
import { countsForRestore, readPointer } from "./pointer.js";
import { loadCurrentState } from "./restore.js";

/** Whole-session operations for the API, the connector and the cleanup job: wipe, verify, prune. */

export type VerifyResult =
  | { ok: true; blobs: number; keys: number }
  | { ok: false; blob: string | null; reason: string };

/**
 * Deletes every blob of the session, then its pointer: the next open starts fresh. Stop the
 * owner first (logout, DELETE route), or its next write recreates blobs without a pointer,
 * which the next open reports. Returns the number of blobs deleted.
 */
export async function wipeAuthState(
  deps: { records: Records; vault: Vault },
  ref: SessionRef,
): Promise<number> {
  const blobs = await deps.vault.listAll(sessionPrefix(ref));
  await forEachLimit(blobs, 16, (b) => deps.vault.delete(b.key));
  await deps.records.delete(pointerKey(ref));
  return blobs.length;
}

/**
 * Reads back the current snapshot and the log after it and checks every blob authenticates and
 * decodes, without changing anything. A session with no state is ok with 0 blobs. Storage
 * failures still throw: they say nothing about the state.
 */
export async function verifyAuthState(
  deps: { records: Records; vault: Vault },
  ref: SessionRef,
): Promise<VerifyResult> {
  try {
    const current = await loadCurrentState(deps.records, deps.vault, ref);
    if (!current) return { ok: true, blobs: 0, keys: 0 };
    return { ok: true, blobs: current.state.blobsRead, keys: current.state.entries.size };
  } catch (error) {
    if (error instanceof BlobCorruptError) return { ok: false, blob: error.blob, reason: error.reason };
    if (error instanceof BlobMissingError) return { ok: false, blob: error.blob, reason: "missing" };
    if (error instanceof AuthStateInvalidError) return { ok: false, blob: null, reason: error.message };
    throw error;
  }
}

/**
 * Deletes blobs no restore can read: what compaction deletes after moving the pointer (log at or
 * before the current snapshot, snapshots no longer kept), left behind when an owner stopped in
 * between, plus log of older epochs that the fences exclude (a stale owner's writes after a
 * takeover; no later pointer can make them count again). Never touches the owner epoch's log after
 * the snapshot, the kept snapshots, or any blob of a newer epoch. Run it only while no connector
 * holds the session. Returns the number of blobs deleted.
 */
export async function pruneAuthState(
  deps: { records: Records; vault: Vault },
  ref: SessionRef,
): Promise<number> {
  const pointer = await readPointer(deps.records, ref);
  if (!pointer?.snapshot) return 0;
  const unneeded = await deleteUnneeded(deps.vault, ref, pointer);
  const fencedOut = (await deps.vault.listAll(walPrefix(ref)))
    .map((b) => parseBlobKey(ref, b.key))
    .filter(
      (p): p is ParsedBlobKey =>
        p?.kind === "wal" && p.epoch < pointer.ownerEpoch && !countsForRestore(pointer, p),
    );
  await forEachLimit(fencedOut, 16, (p) => deps.vault.delete(p.key));
  return unneeded + fencedOut.length;
}
