import * as AuthState from "../auth-state/stored.js";
import * as Session from "../session/index.js";
import { API_LEASE_TTL_MS, requireSession, type WhatsAppContext } from "./exclusive.js";

/** How long `removeSession` waits for a running session's owner to log out (its renewal runs every 10 s). */
export const DEFAULT_LOGOUT_WAIT_MS = 15_000;

/**
 * Deletes a session (seed 000's `DELETE /api/whatsapp/session/{id}`): logout, every blob of its
 * auth state and its pointer, then its record. Throws `SessionNotFoundError`.
 *
 * A running session is logged out by its owner, the only one with a socket: the API asks for it
 * (`requestDisconnect` with `logout`) and waits up to `logoutWaitMs` for the owner to unlink the
 * device and let the lease go. Then, or at once for a session nobody runs, the API takes the lease
 * itself (so nothing starts the session meanwhile), wipes the blobs, and removes the record last,
 * so a failure half-way leaves a session a retry can delete. If the owner does not answer in time
 * (it died; its lease has not expired yet) the record is removed first, which makes any late
 * renewal or publish fail, and the blobs are wiped after: `loggedOut: false` says the device may
 * still be listed on the phone. A session nobody runs is never unlinked (there is no socket).
 */
export async function removeSession(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  options: { logoutWaitMs?: number } = {},
): Promise<{ blobs: number; loggedOut: boolean }> {
  let session = await requireSession(ctx, ref);
  const deps = { records: ctx.storage.records, vault: ctx.vault };
  let epoch = isHeld(ctx, session) ? null : await take(ctx, ref);
  let loggedOut = false;
  if (epoch === null) {
    session = await Session.requestDisconnect(ctx, ref, { logout: true });
    const rounds = Math.ceil((options.logoutWaitMs ?? DEFAULT_LOGOUT_WAIT_MS) / POLL_MS);
    for (let i = 0; i < rounds && isHeld(ctx, session); i++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      session = await requireSession(ctx, ref);
    }
    loggedOut = session.status === "logged_out";
    epoch = isHeld(ctx, session) ? null : await take(ctx, ref);
  }
  if (epoch === null) {
    await Session.remove(ctx, ref);
    return { blobs: await AuthState.wipeAuthState(deps, ref), loggedOut };
  }
  const blobs = await AuthState.wipeAuthState(deps, ref);
  await Session.remove(ctx, ref);
  return { blobs, loggedOut };
}

// --- Internal helpers ---

const POLL_MS = 250;
const OWNER = "api:delete";

function isHeld(ctx: WhatsAppContext, session: Session.Session): boolean {
  return session.leaseOwner !== null && session.leaseOwner !== OWNER && session.leaseExpiresAt > ctx.clock();
}

function take(ctx: WhatsAppContext, ref: Session.SessionRef): Promise<number | null> {
  return Session.acquireLease(ctx, ref, OWNER, API_LEASE_TTL_MS, { anyDesired: true });
}
