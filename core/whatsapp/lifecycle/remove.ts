import * as AuthState from "../auth-state/index.js";
import * as Session from "../session/index.js";
import { requireSession, type WhatsAppContext } from "./exclusive.js";

/**
 * Deletes a session: every blob of its auth state, its pointer, then its record (seed 000's
 * `DELETE /api/whatsapp/session/{id}`). Throws `SessionNotFoundError`.
 *
 * When no connector runs it, the API takes the lease first, so nothing starts the session while
 * the blobs go, and the record goes last, so a failure half-way leaves a session a retry can
 * delete. When a connector does hold it, the API cannot wait for it: the session is asked to
 * disconnect and the record is removed first, so the owner's next lease renewal or publish fails
 * and it stops at once; the blobs are wiped after that. Unlinking the device on the phone needs
 * the socket, so that part is the owning connector's (a session record that disappears under it).
 */
export async function removeSession(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<{ blobs: number }> {
  const session = await requireSession(ctx, ref);
  const deps = { records: ctx.storage.records, vault: ctx.vault };
  const held = session.leaseOwner !== null && session.leaseExpiresAt > ctx.clock();
  const owner = "api:delete";
  const epoch = held ? null : await Session.acquireLease(ctx, ref, owner, 60_000, { anyDesired: true });
  if (epoch === null) {
    await Session.requestDisconnect(ctx, ref);
    await Session.remove(ctx, ref);
    return { blobs: await AuthState.wipeAuthState(deps, ref) };
  }
  const blobs = await AuthState.wipeAuthState(deps, ref);
  await Session.remove(ctx, ref);
  return { blobs };
}
