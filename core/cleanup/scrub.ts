import { ConditionFailedError } from "../error.js";
import type { Attrs } from "../storage/types.js";
import * as Webhook from "../webhook/index.js";
import * as AuthState from "../whatsapp/auth-state/stored.js";
import * as Session from "../whatsapp/session/index.js";
import type { CleanupDeps } from "./types.js";

/**
 * The integrity scrub (seed 001 checks its archive every 6 hours): read back a session's newest
 * snapshot and the log after it and check every blob authenticates and decodes. Reading never
 * changes the auth state, so it runs even while a connector holds the session. A failure marks
 * the session `degraded` naming the blob; the kept older snapshots stay untouched, so
 * `restoreBackup` can bring a previous generation back.
 */

export type IntegrityResult = { ok: true } | { ok: false; blob: string | null; reason: string };

export const INTEGRITY_FAILED = "integrity_failed";

/**
 * Verifies one session's stored auth state. On failure: status `degraded`, `lastError`
 * `{code: "integrity_failed", reason: "<blob>: <why>", blob}`, and a `session.integrity_failed`
 * webhook the first time this blob is reported (a session already degraded for the same blob is
 * not reported again every run). A session degraded by an earlier scrub that now verifies (after a
 * restore) goes back to `pending`/`disconnected`. Throws `SessionNotFoundError` for an unknown session.
 */
export async function verifySession(
  deps: CleanupDeps,
  ref: Session.SessionRef,
  now: number,
): Promise<IntegrityResult> {
  if (!(await Session.fromID(deps, ref))) throw new Session.SessionNotFoundError(ref.sessionId);
  const result = await AuthState.verifyAuthState({ records: deps.storage.records, vault: deps.vault }, ref);
  const updatedAt = new Date(now).toISOString();
  if (result.ok) {
    await updateSession(deps, ref, (s) =>
      isScrubDegraded(s)
        ? {
            set: { status: s.desired === "connected" ? "pending" : "disconnected", updatedAt },
            remove: ["lastError"],
          }
        : null,
    );
    return { ok: true };
  }
  const reason = `${result.blob ?? "auth state"}: ${result.reason}`;
  const lastError = { code: INTEGRITY_FAILED, reason, blob: result.blob };
  const marked = await updateSession(deps, ref, (s) =>
    isScrubDegraded(s) && s.lastError?.reason === reason
      ? null
      : { set: { status: "degraded", lastError, updatedAt }, remove: [] },
  );
  if (marked) {
    const event: Webhook.WebhookEvent = {
      type: "session.integrity_failed",
      tenantId: ref.tenantId,
      data: { platform: "whatsapp", sessionId: ref.sessionId, blob: result.blob, reason: result.reason },
    };
    await (deps.emit ?? ((e) => Webhook.enqueue(deps, e).then(() => undefined)))(event);
  }
  return { ok: false, blob: result.blob, reason: result.reason };
}

// --- Internal helpers ---

function isScrubDegraded(session: Session.Session): boolean {
  return session.status === "degraded" && session.lastError?.code === INTEGRITY_FAILED;
}

/**
 * Writes `change(current)` to the session record (the session module's `t#<tenant>` / `wa#<id>`)
 * conditional on the version read, re-reading after a lost race (the connector publishing).
 * Returns false when there was nothing to write or the session is gone.
 */
async function updateSession(
  deps: CleanupDeps,
  ref: Session.SessionRef,
  change: (current: Session.Session) => { set: Attrs; remove: string[] } | null,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const current = await Session.fromID(deps, ref);
    const next = current && change(current);
    if (!current || !next) return false;
    try {
      await deps.storage.records.update({ pk: `t#${ref.tenantId}`, sk: `wa#${ref.sessionId}` }, next, {
        version: current.version,
      });
      return true;
    } catch (error) {
      if (!(error instanceof ConditionFailedError) || attempt >= 4) throw error;
    }
  }
}
