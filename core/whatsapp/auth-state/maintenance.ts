import { BlobCorruptError, BlobMissingError } from "../../error.js";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import { pointerKey, type SessionRef, sessionPrefix } from "./blob-keys.js";
import { forEachLimit } from "./compaction.js";
import { AuthStateInvalidError } from "./errors.js";
import { loadCurrentState } from "./restore.js";

/** Whole-session operations for the API and the connector: wipe and verify. */

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
