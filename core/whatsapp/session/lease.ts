import { ConditionFailedError } from "../../error.js";
import { SessionNotFoundError } from "./errors.js";
import { indexEntry, padMs, recordKey, WANT_INDEX } from "./record.js";
import type { LeaseRef, Session, SessionRef } from "./schema.js";
import { fromID, type SessionContext, updateWithRetry } from "./session.js";

/**
 * Leases: which connector runs a session (DESIGN §4, one owner). A lease is `leaseOwner` +
 * `leaseExpiresAt` (ms, by the injected clock) + `epoch` in the session record. Every write is
 * conditional on the version read, so two connectors can never both take a lease; a takeover
 * bumps `epoch`, and the owner writes (observed state, auth state) under its epoch, so a stale
 * owner's writes fail. A lease with `leaseExpiresAt <= now` is expired: free for anyone.
 */

/**
 * Sessions that want a connector and whose lease is free or expired, oldest expiry first, up to
 * `limit`. Read from the index (eventually consistent on DynamoDB): `acquireLease` re-checks.
 */
export async function listClaimable(ctx: SessionContext, limit: number): Promise<SessionRef[]> {
  const page = await ctx.storage.records.queryIndex(WANT_INDEX, { skAtMost: padMs(ctx.clock()), limit });
  return page.items.map((r) => ({
    tenantId: String(r.attrs.tenantId),
    sessionId: String(r.attrs.sessionId),
  }));
}

/**
 * Takes the lease for `owner` for `ttlMs` when the session wants to be connected and its lease is
 * free, expired, or already `owner`'s (a restart with the same connector id). Every acquisition
 * is a takeover: `epoch + 1`. Returns the new epoch, or `null` when the lease is held by someone
 * else, the session is gone or not wanted, or another connector won the race.
 * `anyDesired`: take it whatever `desired` says; for short exclusive work outside the connector
 * (import, backup restore) that must write the auth state under a fresh epoch, then release.
 */
export async function acquireLease(
  ctx: SessionContext,
  ref: SessionRef,
  owner: string,
  ttlMs: number,
  options: { anyDesired?: boolean } = {},
): Promise<number | null> {
  const current = await fromID(ctx, ref);
  if (!current || (current.desired !== "connected" && !options.anyDesired)) return null;
  const now = ctx.clock();
  if (current.leaseOwner !== null && current.leaseOwner !== owner && current.leaseExpiresAt > now)
    return null;
  const epoch = current.epoch + 1;
  const leaseExpiresAt = now + ttlMs;
  try {
    await ctx.storage.records.update(
      recordKey(ref),
      {
        set: { leaseOwner: owner, leaseExpiresAt, epoch },
        gsi1: indexEntry(current.desired, leaseExpiresAt),
      },
      { version: current.version },
    );
    return epoch;
  } catch (error) {
    if (error instanceof ConditionFailedError) return null;
    throw error;
  }
}

/**
 * Extends the lease `lease` (owner + epoch) to `now + ttlMs`. Returns the session as written
 * (the caller reads `desired` from it), or `null` when the lease is lost: another owner or
 * epoch, already expired, or the session is gone. The caller must stop the session at once then.
 */
export async function renewLease(
  ctx: SessionContext,
  lease: LeaseRef,
  ttlMs: number,
): Promise<Session | null> {
  try {
    let lost = false;
    const session = await updateWithRetry(ctx, lease, (current, now) => {
      if (!holds(current, lease) || current.leaseExpiresAt <= now) {
        lost = true;
        return null;
      }
      const leaseExpiresAt = now + ttlMs;
      return { set: { leaseExpiresAt }, gsi1: indexEntry(current.desired, leaseExpiresAt) };
    });
    return lost ? null : session;
  } catch (error) {
    if (error instanceof SessionNotFoundError) return null;
    throw error;
  }
}

/**
 * Gives the lease up so another connector can take it at once (epoch is kept; the next
 * acquisition bumps it). Returns `false` when `lease` was not held any more (nothing written).
 */
export async function releaseLease(ctx: SessionContext, lease: LeaseRef): Promise<boolean> {
  try {
    let held = true;
    await updateWithRetry(ctx, lease, (current) => {
      held = holds(current, lease);
      if (!held) return null;
      return { set: { leaseOwner: null, leaseExpiresAt: 0 }, gsi1: indexEntry(current.desired, 0) };
    });
    return held;
  } catch (error) {
    if (error instanceof SessionNotFoundError) return false;
    throw error;
  }
}

// --- Internal helpers ---

function holds(current: Session, lease: LeaseRef): boolean {
  return current.leaseOwner === lease.owner && current.epoch === lease.epoch;
}
