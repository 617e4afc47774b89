import { NotFoundError } from "../../error.js";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import { type SessionRef, snapKey } from "./blob-keys.js";
import { CREDS_NAME, decodeBlob } from "./codec.js";
import { AuthStateFencedError, AuthStateInputError, AuthStateInvalidError } from "./errors.js";
import { movePointer, readPointer } from "./pointer.js";

/** Point-in-time backups: the snapshots the pointer keeps (DESIGN §4 compaction, seed 001). */

export interface BackupInfo {
  /** Grows by one per snapshot; pass it to `restoreBackup`. */
  generation: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Sealed plaintext size in bytes. */
  size: number;
  /** True for the snapshot restores currently start from. */
  current: boolean;
}

/** The kept snapshots, newest first; none for a session without state. */
export async function listBackups(deps: { records: Records }, ref: SessionRef): Promise<BackupInfo[]> {
  const pointer = await readPointer(deps.records, ref);
  if (!pointer) return [];
  return pointer.snapshots.map((s) => ({
    generation: s.generation,
    createdAt: s.createdAt,
    size: s.size,
    current: s.generation === pointer.snapshot?.generation,
  }));
}

/**
 * Makes kept snapshot `generation` current: it is read back and checked first, then the pointer
 * moves to it under a new owner `epoch` (default: current owner + 1) with no fences, so no later
 * log of any epoch is replayed. The current owner is fenced out, so call it only while no
 * connector holds the session, with the epoch of the lease you took. Later snapshots stay kept.
 * Throws `auth_state.backup_not_found`, `auth_state.fenced` (epoch not newer than the owner's),
 * or the error naming the snapshot blob if it is missing or corrupt.
 */
export async function restoreBackup(
  deps: { records: Records; vault: Vault },
  ref: SessionRef,
  generation: number,
  epoch?: number,
): Promise<{ generation: number; epoch: number }> {
  const pointer = await readPointer(deps.records, ref);
  if (!pointer) throw new NotFoundError("WhatsApp auth state", ref.sessionId, "auth_state.not_found");
  const chosen = pointer.snapshots.find((s) => s.generation === generation);
  if (!chosen)
    throw new AuthStateInputError(
      "auth_state.backup_not_found",
      `no kept backup with generation ${generation}`,
      {
        generation,
      },
    );
  const key = snapKey(ref, chosen);
  const entries = decodeBlob(key, "snap", await deps.vault.get(key));
  if (!entries.some(([name]) => name === CREDS_NAME))
    throw new AuthStateInvalidError(ref.sessionId, `snapshot '${key}' has no creds`);
  const target = epoch ?? pointer.ownerEpoch + 1;
  if (target <= pointer.ownerEpoch) throw new AuthStateFencedError(ref.sessionId, target, pointer.ownerEpoch);
  await movePointer(deps.records, ref, pointer, { ownerEpoch: target, snapshot: chosen, fences: {} });
  return { generation, epoch: target };
}
