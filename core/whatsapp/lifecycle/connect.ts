import { BlobCorruptError, BlobMissingError, NotFoundError } from "../../error.js";
import * as AuthState from "../auth-state/stored.js";
import * as Session from "../session/index.js";
import { ReuseNotFoundError } from "./errors.js";
import type { WhatsAppContext } from "./exclusive.js";
import { isPaired } from "./transfer.js";

/** Starting sessions: create-or-reuse (seed 003) and reuse after a restart (seed 000). */

/**
 * Seed 003's "return the existing active session": without `sessionId`, or with one the tenant
 * does not have, creates a session (`created: true`). An existing one that is connected and
 * wanted so is returned unchanged; any other existing one is asked to connect again (seed 000's
 * `connect` with `session_id`). Validates the input (`CreateInputSchema`). A session that is not
 * paired expires `unpairedTtlMs` from now (config `SESSIONVAULT_UNPAIRED_TTL_HOURS`; default 24 h).
 */
export async function connect(
  ctx: WhatsAppContext,
  input: Session.CreateInput & { tenantId: string },
  options: { unpairedTtlMs?: number } = {},
): Promise<{ session: Session.Session; created: boolean }> {
  if (input.sessionId === undefined)
    return { session: await Session.create(ctx, input, options), created: true };
  const ref = { tenantId: input.tenantId, sessionId: input.sessionId };
  let existing = await Session.fromID(ctx, ref);
  if (!existing) {
    try {
      return { session: await Session.create(ctx, input, options), created: true };
    } catch (error) {
      if (!(error instanceof Session.SessionExistsError)) throw error;
      existing = await Session.fromID(ctx, ref); // a concurrent create won: treat it as existing
      if (!existing) throw error;
    }
  }
  if (existing.status === "connected" && existing.desired === "connected")
    return { session: existing, created: false };
  return { session: await Session.requestConnect(ctx, ref, options), created: false };
}

/** Seed 000's reuse answer. `reason` says why stored state cannot be used as it is. */
export type ReuseResult =
  | { reused: true; session: Session.Session }
  | { reused: false; reason: ReuseRefusal; session: Session.Session };

export type ReuseRefusal = "logged_out" | "no_credentials" | "not_paired" | "state_corrupt";

/**
 * Reconnects a session from its stored creds, without a new QR: only when it has auth state whose
 * creds are linked (`creds.me`), it is not logged out, and the state reads back intact. Otherwise
 * answers `reused: false` with the reason and changes nothing. Throws `ReuseNotFoundError` (404,
 * still in the reuse shape) for a session the tenant does not have.
 */
export async function reuse(ctx: WhatsAppContext, ref: Session.SessionRef): Promise<ReuseResult> {
  const session = await Session.fromID(ctx, ref);
  if (!session) throw new ReuseNotFoundError(ref.sessionId);
  if (session.status === "logged_out") return { reused: false, reason: "logged_out", session };
  let creds: string | undefined;
  try {
    creds = (await AuthState.exportAuthFiles(authDeps(ctx), ref))["creds.json"];
  } catch (error) {
    if (error instanceof BlobCorruptError || error instanceof BlobMissingError)
      return { reused: false, reason: "state_corrupt", session };
    if (error instanceof AuthState.AuthStateInvalidError)
      return { reused: false, reason: "state_corrupt", session };
    if (!(error instanceof NotFoundError && error.code === "auth_state.not_found")) throw error;
  }
  if (creds === undefined) return { reused: false, reason: "no_credentials", session };
  if (!isPaired(creds)) return { reused: false, reason: "not_paired", session };
  if (session.status === "connected" && session.desired === "connected") return { reused: true, session };
  return { reused: true, session: await Session.requestConnect(ctx, ref) };
}

// --- Internal helpers ---

function authDeps(ctx: WhatsAppContext): {
  records: WhatsAppContext["storage"]["records"];
  vault: WhatsAppContext["vault"];
} {
  return { records: ctx.storage.records, vault: ctx.vault };
}
