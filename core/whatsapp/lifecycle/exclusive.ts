import { ulid } from "ulid";
import type { Records } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import * as Session from "../session/index.js";
import { SessionBusyError, SessionConnectedError } from "./errors.js";

/** What the lifecycle verbs need: the record store, the vault and a clock (ms). */
export interface WhatsAppContext {
  storage: { records: Records };
  vault: Vault;
  clock: () => number;
}

/** Long enough for a large import; if the API process dies mid-way, a connector waits at most this. */
export const API_LEASE_TTL_MS = 60_000;

/** The session, or `SessionNotFoundError`. */
export async function requireSession(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
): Promise<Session.Session> {
  const session = await Session.fromID(ctx, ref);
  if (!session) throw new Session.SessionNotFoundError(ref.sessionId);
  return session;
}

/**
 * Runs `work` while the API holds the session's lease under a fresh epoch, so no connector can
 * run the session meanwhile and the auth state can be rewritten as that epoch (import, backup
 * restore, wipe). Refuses with `whatsapp.session_connected` / `whatsapp.session_busy` (409) while
 * a connector holds a live lease; `SessionNotFoundError` when there is no session. The lease is
 * released afterwards; a release failure is reported only when `work` succeeded (it expires anyway).
 */
export async function withExclusiveLease<T>(
  ctx: WhatsAppContext,
  ref: Session.SessionRef,
  action: string,
  work: (lease: Session.LeaseRef, session: Session.Session) => Promise<T>,
): Promise<T> {
  const owner = `api:${ulid()}`;
  for (let attempt = 0; ; attempt++) {
    const session = await requireSession(ctx, ref);
    const held = session.leaseOwner !== null && session.leaseExpiresAt > ctx.clock();
    if (held && session.status === "connected") throw new SessionConnectedError(ref.sessionId, action);
    if (held || attempt >= 3) throw new SessionBusyError(ref.sessionId, session.status, action);
    const epoch = await Session.acquireLease(ctx, ref, owner, API_LEASE_TTL_MS, { anyDesired: true });
    if (epoch === null) continue; // lost a race: look again
    const lease = { ...ref, owner, epoch };
    let result: T;
    try {
      result = await work(lease, session);
    } catch (error) {
      await Session.releaseLease(ctx, lease).catch(() => undefined); // the original error matters more
      throw error;
    }
    await Session.releaseLease(ctx, lease);
    return result;
  }
}

/**
 * After the auth state was replaced under `lease`: the old QR, pairing code and error no longer
 * apply, and the status says nobody runs it yet (`pending` when it wants a connector).
 * `paired: true` (imported creds that are linked) also ends the unpaired expiry.
 */
export async function publishReplacedState(
  ctx: WhatsAppContext,
  lease: Session.LeaseRef,
  session: Session.Session,
  paired: boolean,
): Promise<Session.Session> {
  return Session.publish(ctx, lease, {
    status: session.desired === "connected" ? "pending" : "disconnected",
    qr: null,
    qrExpiresAt: null,
    pairingCode: null,
    lastError: null,
    ...(paired ? { paired: true } : {}),
  });
}
