import * as AuthState from "../auth-state/stored.js";
import * as Session from "../session/index.js";
import { API_LEASE_TTL_MS, requireSession, type WhatsAppContext } from "./exclusive.js";

/** How long `removeSession` waits for a connector to log out (renewals every 10 s; a connector polls for work every few seconds). */
export const DEFAULT_LOGOUT_WAIT_MS = 15_000;

/**
 * Deletes a session (seed 000's `DELETE /api/whatsapp/session/{id}`; DESIGN §6 "logout + wipe"):
 * logout, every blob of its auth state and its pointer, then its record. Throws `SessionNotFoundError`.
 *
 * Only a connector has a socket to unlink the device on. A running session is logged out by its
 * owner (`requestDisconnect` with `logout`); a paired session nobody runs is handed to a connector
 * for that alone (`requestLogout`: it connects, logs out, lets go). The API waits up to
 * `logoutWaitMs` for it. Then, or at once for a session that was never paired, the API takes the
 * lease itself (so nothing starts the session meanwhile), wipes the blobs, and removes the record
 * last, so a failure half-way leaves a session a retry can delete. If no connector answers in time
 * (none runs, or the owner died with its lease not yet expired) the session is taken out of the
 * connector index and, when a lease still stands, the record is removed first, which makes any
 * late renewal or publish fail; `loggedOut: false` says the device may still be listed on the phone.
 */
export async function removeSession(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  options: { logoutWaitMs?: number } = {},
): Promise<{ blobs: number; loggedOut: boolean }> {
  let session = await requireSession(ctx, ref);
  const deps = { records: ctx.storage.records, vault: ctx.vault };
  const running = isHeld(ctx, session);
  let loggedOut = false;
  if (running || session.paired) {
    session = running
      ? await Session.requestDisconnect(ctx, ref, { logout: true })
      : await Session.requestLogout(ctx, ref);
    // A running owner is done when it lets go; an idle session must first be taken by a connector.
    const finished = (s: Session.Session): boolean =>
      !isHeld(ctx, s) && (running || s.status === "logged_out");
    const rounds = Math.ceil((options.logoutWaitMs ?? DEFAULT_LOGOUT_WAIT_MS) / POLL_MS);
    for (let i = 0; i < rounds && !finished(session); i++) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      session = await requireSession(ctx, ref);
    }
    loggedOut = session.status === "logged_out";
    // Out of the connector index before the wipe, whoever answered or not.
    if (!loggedOut && !running) session = await Session.requestDisconnect(ctx, ref, { logout: true });
  }
  const epoch = isHeld(ctx, session) ? null : await take(ctx, ref);
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
