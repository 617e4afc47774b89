import { BlobCorruptError, BlobMissingError } from "../../error.js";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import {
  comparePositions,
  type ParsedBlobKey,
  parseBlobKey,
  type SessionRef,
  snapKey,
  walKey,
  walPrefix,
} from "./blob-keys.js";
import { CREDS_NAME, decodeBlob } from "./codec.js";
import { AuthStateInvalidError } from "./errors.js";
import { countsForRestore, type Pointer, readPointer } from "./pointer.js";

/** The state rebuilt from storage, plus what the writer needs to continue the log. */
export interface LoadedState {
  /** File base name -> value JSON (see `codec.ts`). Empty for a session that is still being created. */
  entries: Map<string, string>;
  /** Highest seq the owner epoch has used (log or snapshot); the writer continues after it. */
  lastOwnSeq: number;
  /** Log replayed on top of the snapshot: changes and plaintext bytes, for compaction accounting. */
  logChanges: number;
  logBytes: number;
  /** Blobs read, snapshot included. */
  blobsRead: number;
}

const PARALLEL_READS = 16;

/**
 * Restore = the pointer's snapshot, then every log blob that counts (`countsForRestore`) in
 * (epoch, seq) order. A missing blob, a hole in an epoch's seqs, a blob that fails to
 * authenticate or decode, or a snapshot without creds is an error naming the blob; a session
 * with no snapshot and no log loads as empty. Reads only; writes nothing.
 */
export async function loadState(vault: Vault, ref: SessionRef, pointer: Pointer): Promise<LoadedState> {
  const entries = new Map<string, string>();
  const snap = pointer.snapshot;
  let blobsRead = 0;
  if (snap) {
    const key = snapKey(ref, snap);
    for (const [name, json] of decodeBlob(key, "snap", await vault.get(key))) {
      if (json === null) throw new BlobCorruptError(key, "bad_payload");
      entries.set(name, json);
    }
    if (!entries.has(CREDS_NAME))
      throw new AuthStateInvalidError(ref.sessionId, `snapshot '${key}' has no creds`);
    blobsRead++;
  }
  const log = await listCountingLog(vault, ref, pointer);
  if (!snap && log.length > 0)
    throw new AuthStateInvalidError(ref.sessionId, "log blobs exist but the pointer names no snapshot");
  let logChanges = 0;
  let logBytes = 0;
  // Reads run ahead in parallel; changes apply strictly in log order.
  const reads = new Map<number, Promise<Uint8Array>>();
  const read = (i: number): void => {
    const blob = log[i];
    if (blob && !reads.has(i)) reads.set(i, vault.get(blob.key));
  };
  for (let i = 0; i < Math.min(PARALLEL_READS, log.length); i++) read(i);
  for (let i = 0; i < log.length; i++) {
    const blob = log[i]!;
    const plaintext = await reads.get(i)!;
    reads.delete(i);
    read(i + PARALLEL_READS);
    for (const [name, json] of decodeBlob(blob.key, "wal", plaintext)) {
      if (json === null) entries.delete(name);
      else entries.set(name, json);
      logChanges++;
    }
    logBytes += plaintext.byteLength;
    blobsRead++;
  }
  let lastOwnSeq = snap?.epoch === pointer.ownerEpoch ? snap.seq : 0;
  for (const blob of log) if (blob.epoch === pointer.ownerEpoch) lastOwnSeq = Math.max(lastOwnSeq, blob.seq);
  return { entries, lastOwnSeq, logChanges, logBytes, blobsRead };
}

// --- Internal helpers ---

/**
 * The log blobs restore replays, in order. Within an epoch seqs are contiguous (one blob in
 * flight at a time, and a failed write ends the writer), so a hole means a deleted blob, and a
 * fenced epoch must reach its fence.
 */
async function listCountingLog(vault: Vault, ref: SessionRef, pointer: Pointer): Promise<ParsedBlobKey[]> {
  const log = (await vault.listAll(walPrefix(ref)))
    .map((b) => parseBlobKey(ref, b.key))
    .filter((p): p is ParsedBlobKey => p?.kind === "wal" && countsForRestore(pointer, p))
    .sort(comparePositions);
  const epochs = new Set([pointer.ownerEpoch, ...Object.keys(pointer.fences).map(Number)]);
  for (const epoch of epochs) {
    const snap = pointer.snapshot;
    if (snap && epoch < snap.epoch) continue;
    let expected = snap?.epoch === epoch ? snap.seq + 1 : 1;
    for (const blob of log) {
      if (blob.epoch !== epoch) continue;
      if (blob.seq !== expected) throw new BlobMissingError(walKey(ref, { epoch, seq: expected }));
      expected++;
    }
    const fence = epoch === pointer.ownerEpoch ? undefined : pointer.fences[String(epoch)];
    if (fence !== undefined && expected <= fence)
      throw new BlobMissingError(walKey(ref, { epoch, seq: expected }));
  }
  return log;
}

/**
 * Reads the current state without taking ownership (export, verify). A compaction by the owner
 * may delete log this read still expects; then the pointer has moved and the read starts over.
 * Returns `null` when the session has no pointer.
 */
export async function loadCurrentState(
  records: Records,
  vault: Vault,
  ref: SessionRef,
): Promise<{ pointer: Pointer; state: LoadedState } | null> {
  for (let attempt = 0; ; attempt++) {
    const pointer = await readPointer(records, ref);
    if (pointer === null) return null;
    try {
      return { pointer, state: await loadState(vault, ref, pointer) };
    } catch (error) {
      const moved = (await readPointer(records, ref))?.version !== pointer.version;
      if (!moved || attempt >= 3 || !(error instanceof BlobMissingError)) throw error;
    }
  }
}
