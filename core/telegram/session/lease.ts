import { randomBytes } from "node:crypto";
import { ConditionFailedError } from "../../error.js";
import { LeaseNotHeldError, SessionLeasedError, SessionNotFoundError } from "./errors.js";
import { leaseAttrs, sessionKey, toSession } from "./record.js";
import type { Lease, SessionRef, TelegramContext, TelegramSession } from "./schema.js";

/**
 * Leases: one consumer per session at a time. Telegram allows one live client per auth key; a
 * second one from another address gets the key killed for good (AUTH_KEY_DUPLICATED, 406), so a
 * consumer leases a session before connecting, and our own liveness check takes a lease too.
 * The lease lives in the session record and every write is conditional on the version read, so two
 * callers can never both win. A lease whose `expiresAt <= now` (injected clock) is free.
 */

export const DEFAULT_LEASE_TTL_MS = 5 * 60_000;
export const MAX_LEASE_TTL_MS = 24 * 60 * 60_000;

/**
 * Leases the session to `holder` for `ttlMs`. Throws `SessionLeasedError` (409) while another
 * unexpired lease is held, `SessionNotFoundError` when the session is gone.
 */
export async function acquireLease(
  ctx: TelegramContext,
  ref: SessionRef,
  options: { holder: string; ttlMs?: number },
): Promise<Lease> {
  const record = await ctx.storage.records.get(sessionKey(ref));
  if (!record) throw new SessionNotFoundError(ref.sessionId);
  const current = toSession(record);
  const now = ctx.clock();
  if (current.lease && current.lease.expiresAt > now) {
    throw new SessionLeasedError(ref.sessionId, current.lease.expiresAt);
  }
  const ttlMs = Math.min(MAX_LEASE_TTL_MS, Math.max(1000, options.ttlMs ?? DEFAULT_LEASE_TTL_MS));
  const lease: Lease = {
    holder: options.holder,
    leaseId: `lse_${randomBytes(16).toString("base64url")}`,
    expiresAt: now + ttlMs,
  };
  try {
    await ctx.storage.records.update(
      sessionKey(ref),
      { set: { lease: leaseAttrs(lease) } },
      { version: record.version },
    );
  } catch (err) {
    // Someone else wrote between our read and write: they may have taken the lease.
    if (err instanceof ConditionFailedError) throw new SessionLeasedError(ref.sessionId, lease.expiresAt);
    throw err;
  }
  return lease;
}

/**
 * Gives lease `leaseId` back (also after it expired, as long as nobody took a new one). Throws
 * `LeaseNotHeldError` (409) when the session holds no lease with this id.
 */
export async function releaseLease(ctx: TelegramContext, ref: SessionRef, leaseId: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = await ctx.storage.records.get(sessionKey(ref));
    if (!record) throw new SessionNotFoundError(ref.sessionId);
    if (toSession(record).lease?.leaseId !== leaseId) throw new LeaseNotHeldError(ref.sessionId);
    try {
      await ctx.storage.records.update(
        sessionKey(ref),
        { set: { lease: null } },
        { version: record.version },
      );
      return;
    } catch (err) {
      // An unrelated write (e.g. lastCheckedAt) bumped the version: read again.
      if (!(err instanceof ConditionFailedError)) throw err;
    }
  }
  throw new LeaseNotHeldError(ref.sessionId);
}

/**
 * Throws unless the caller may use the session's key now: no unexpired lease, or `leaseId` is the
 * one held. `SessionLeasedError` for another's lease; `LeaseNotHeldError` for a stale `leaseId`.
 */
export function assertUsableBy(session: TelegramSession, now: number, leaseId?: string): void {
  const lease = session.lease && session.lease.expiresAt > now ? session.lease : null;
  if (lease && lease.leaseId !== leaseId) throw new SessionLeasedError(session.sessionId, lease.expiresAt);
  if (!lease && leaseId !== undefined) throw new LeaseNotHeldError(session.sessionId);
}
