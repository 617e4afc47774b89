import { NotFoundError } from "../../error.js";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import type { SessionRef } from "./blob-keys.js";
import { bufferReviver } from "./buffer-json.js";
import { CREDS_NAME, encodeValue, KEY_TYPES } from "./codec.js";
import { commitSnapshot, deleteUnneeded, nextFreeSeq } from "./compaction.js";
import { AuthStateFencedError, AuthStateInputError } from "./errors.js";
import { claimPointer, readPointer } from "./pointer.js";
import { loadCurrentState } from "./restore.js";

/**
 * The `useMultiFileAuthState` folder as a map of file name -> file content (`creds.json`,
 * `pre-key-1.json`, `session-123.0.json`, … with Baileys' `/`→`__`, `:`→`-` fixes). The HTTP
 * routes build tar.gz archives and the seed 004 JSON map on top of it.
 */
export type AuthFileMap = Record<string, string>;

/** The session's current state as files, exactly as `useMultiFileAuthState` would have written them. */
export async function exportAuthFiles(
  deps: { records: Records; vault: Vault },
  ref: SessionRef,
): Promise<AuthFileMap> {
  const current = await loadCurrentState(deps.records, deps.vault, ref);
  if (!current?.pointer.snapshot)
    throw new NotFoundError("WhatsApp auth state", ref.sessionId, "auth_state.not_found");
  const files: AuthFileMap = {};
  for (const [name, json] of [...current.state.entries].sort(([a], [b]) => (a < b ? -1 : 1)))
    files[`${name}.json`] = json;
  return files;
}

/**
 * Replaces the session's state with `files`: all are validated first (a bad map changes
 * nothing and throws `auth_state.import_invalid` naming the file), then stored as a new
 * snapshot under owner `epoch` (default: current owner + 1), fencing out every older log. The
 * previous state stays restorable as a kept backup. Call it only while no connector holds the
 * session, with the epoch of the lease you took; an epoch not newer than the owner's throws
 * `auth_state.fenced`.
 */
export async function importAuthFiles(
  deps: { records: Records; vault: Vault; clock?: () => number },
  ref: SessionRef,
  files: AuthFileMap,
  options: { epoch?: number; keepSnapshots?: number } = {},
): Promise<{ files: number; generation: number; epoch: number }> {
  const entries = parseFiles(files);
  const before = await readPointer(deps.records, ref);
  if (before && options.epoch !== undefined && options.epoch <= before.ownerEpoch)
    throw new AuthStateFencedError(ref.sessionId, options.epoch, before.ownerEpoch);
  const { pointer } = await claimPointer(deps.records, deps.vault, ref, options.epoch);
  const at = { epoch: pointer.ownerEpoch, seq: await nextFreeSeq(deps.vault, ref, pointer.ownerEpoch) };
  const snapDeps = { records: deps.records, vault: deps.vault, clock: deps.clock ?? Date.now };
  const moved = await commitSnapshot(snapDeps, ref, pointer, at, entries, options.keepSnapshots ?? 3);
  await deleteUnneeded(deps.vault, ref, moved);
  return { files: entries.size, generation: moved.snapshot!.generation, epoch: moved.ownerEpoch };
}

/**
 * Checks `files` exactly as `importAuthFiles` does, storing nothing: lets a caller refuse a bad
 * map before it takes a lease. Throws `auth_state.import_invalid` naming the file.
 */
export function validateAuthFiles(files: AuthFileMap): void {
  parseFiles(files);
}

// --- Internal helpers ---

/** Validates and normalises every file (re-encoded, so pretty-printed or old Buffer forms are fine). */
function parseFiles(files: AuthFileMap): Map<string, string> {
  const entries = new Map<string, string>();
  const invalid = (file: string, why: string): AuthStateInputError =>
    new AuthStateInputError("auth_state.import_invalid", `file '${file}' ${why}`, { file });
  for (const [file, text] of Object.entries(files)) {
    if (!file.endsWith(".json") || file.includes("/")) throw invalid(file, "is not a Baileys auth file");
    const name = file.slice(0, -".json".length);
    if (name !== CREDS_NAME && !KEY_TYPES.some((t) => name.startsWith(`${t}-`) && name.length > t.length + 1))
      throw invalid(file, "is not a Baileys auth file");
    let value: unknown;
    try {
      value = JSON.parse(text, bufferReviver);
    } catch {
      throw invalid(file, "is not valid JSON");
    }
    // Baileys treats a falsy value as "no key"; storing one would read back as absent.
    if (!value) throw invalid(file, "holds an empty value");
    entries.set(name, encodeValue(value));
  }
  const creds = entries.has(CREDS_NAME)
    ? (JSON.parse(files["creds.json"]!) as Record<string, unknown>)
    : null;
  if (!creds) throw invalid("creds.json", "is missing");
  for (const field of ["noiseKey", "signedIdentityKey", "signedPreKey", "registrationId", "advSecretKey"])
    if (creds[field] === undefined) throw invalid("creds.json", `has no '${field}'`);
  return entries;
}
