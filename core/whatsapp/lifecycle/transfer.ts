import * as Archive from "../archive/index.js";
import * as AuthState from "../auth-state/stored.js";
import * as Session from "../session/index.js";
import {
  publishReplacedState,
  requireSession,
  type WhatsAppContext,
  withExclusiveLease,
} from "./exclusive.js";

/**
 * Moving key material in and out of a session (DESIGN §4 import/export, seed 001 forced restore,
 * seed 004 backups). Writes happen under an exclusive API lease, so they are refused while a
 * connector runs the session and fence out anything an earlier owner writes later.
 */

export interface ImportResult {
  /** Files stored (creds + keys). */
  files: number;
  /** Generation of the snapshot the import became (older state stays as a backup). */
  generation: number;
  /** True when the imported creds are linked to an account (`creds.me` set). */
  paired: boolean;
}

/**
 * Replaces the session's auth state with `files` (a `useMultiFileAuthState` folder). The map is
 * checked before anything is taken or written: `auth_state.import_invalid` names the bad file.
 * Throws `SessionNotFoundError`, `whatsapp.session_connected` / `whatsapp.session_busy` (409).
 */
export async function importFiles(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  files: AuthState.AuthFileMap,
): Promise<ImportResult> {
  await requireSession(ctx, ref);
  AuthState.validateAuthFiles(files);
  return replaceState(ctx, ref, files);
}

/** An uploaded folder: a tar.gz (or tar) body, or the seed 004 JSON map as parsed JSON. */
export type Upload = { format: "tar"; bytes: Uint8Array } | { format: "json"; body: unknown };

/**
 * `importFiles` for an upload as it arrived: the archive is read with size guards (`archive.*`
 * codes), then imported. An id the tenant does not have yet is created for it (seed 004's one-call
 * backup, `created: true`): only once the files have passed every check, and disconnected, so no
 * connector takes it before the state is in; if the import then fails, it is removed again.
 */
export async function importArchive(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  upload: Upload,
  options: { unpairedTtlMs?: number } = {},
): Promise<ImportResult & { created: boolean }> {
  const existing = await Session.fromID(ctx, ref);
  const files =
    upload.format === "tar"
      ? await Archive.readTarArchive(upload.bytes)
      : Archive.readJsonFileMap(upload.body);
  AuthState.validateAuthFiles(files);
  if (existing) return { ...(await replaceState(ctx, ref, files)), created: false };
  try {
    await Session.create(ctx, ref, { ...options, desired: "disconnected" });
  } catch (error) {
    if (!(error instanceof Session.SessionExistsError)) throw error;
    return { ...(await replaceState(ctx, ref, files)), created: false }; // created meanwhile
  }
  try {
    return { ...(await replaceState(ctx, ref, files)), created: true };
  } catch (error) {
    await Session.remove(ctx, ref).catch(() => undefined); // the import's error matters more
    throw error;
  }
}

/** `exportFiles` as a tar.gz of the folder, or the seed 004 JSON map. Same errors. */
export async function exportArchive(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  format: "tar" | "json",
): Promise<{ format: "tar"; bytes: Uint8Array } | { format: "json"; files: AuthState.AuthFileMap }> {
  const files = await exportFiles(ctx, ref);
  return format === "tar"
    ? { format, bytes: Archive.writeTarArchive(files, new Date(ctx.clock())) }
    : { format, files };
}

/**
 * The session's current auth state as `useMultiFileAuthState` files. Key material: only for
 * callers allowed to export. Throws `SessionNotFoundError`, `auth_state.not_found` (no state yet),
 * or the typed error naming a missing or corrupt blob.
 */
export async function exportFiles(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<AuthState.AuthFileMap> {
  await requireSession(ctx, ref);
  return AuthState.exportAuthFiles(authDeps(ctx), ref);
}

/** The session's kept snapshots, newest first (empty when it has no state). Throws `SessionNotFoundError`. */
export async function listBackups(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<AuthState.BackupInfo[]> {
  await requireSession(ctx, ref);
  return AuthState.listBackups(authDeps(ctx), ref);
}

/**
 * Makes kept snapshot `generation` the session's state (seed 001 "forced restore"). Throws
 * `SessionNotFoundError`, `auth_state.backup_not_found` (404), 409 while a connector holds the
 * session, or the error naming the snapshot blob when it is itself missing or corrupt.
 */
export async function restoreBackup(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  generation: number,
): Promise<{ generation: number }> {
  const kept = await listBackups(ctx, ref);
  if (!kept.some((b) => b.generation === generation))
    throw new AuthState.AuthStateInputError(
      "auth_state.backup_not_found",
      `no kept backup with generation ${generation}`,
      { generation },
    );
  return withExclusiveLease(ctx, ref, "restoring a backup", async (lease, session) => {
    await AuthState.restoreBackup(authDeps(ctx), ref, generation, lease.epoch);
    await publishReplacedState(ctx, lease, session, false);
    return { generation };
  });
}

/** True when `creds.json` text is linked to an account: Baileys sets `creds.me` on pairing, and without it registers anew (QR). */
export function isPaired(credsJson: string): boolean {
  const creds = JSON.parse(credsJson) as { me?: { id?: unknown } };
  return typeof creds.me?.id === "string" && creds.me.id.length > 0;
}

// --- Internal helpers ---

/** Writes already-validated `files` as the session's auth state, under an exclusive API lease. */
async function replaceState(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  files: AuthState.AuthFileMap,
): Promise<ImportResult> {
  const paired = isPaired(files["creds.json"]!);
  return withExclusiveLease(ctx, ref, "importing", async (lease, session) => {
    const stored = await AuthState.importAuthFiles(authDeps(ctx), ref, files, { epoch: lease.epoch });
    await publishReplacedState(ctx, lease, session, paired);
    return { files: stored.files, generation: stored.generation, paired };
  });
}

function authDeps(ctx: WhatsAppContext): AuthState.AuthStateDeps {
  return { records: ctx.storage.records, vault: ctx.vault, clock: ctx.clock };
}
