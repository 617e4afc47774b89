import { ConditionFailedError } from "../error.js";
import * as AuthState from "../whatsapp/auth-state/stored.js";
import * as Session from "../whatsapp/session/index.js";
import { verifySession } from "./scrub.js";
import type { CleanupCounts, CleanupDeps, CleanupOptions } from "./types.js";

/**
 * The WhatsApp half of the cleanup job, one tenant at a time (DESIGN §7). The one rule above all:
 * key material of a session held by a live lease (`leaseExpiresAt > now`) is never deleted or
 * pruned. Expiry removes the record first, conditional on the version read, so a connector that
 * took the lease meanwhile wins and nothing is deleted; blobs a failure leaves behind are orphans
 * the next run sweeps.
 */

/** Expires, releases dead leases, prunes and scrubs every session of `tenantId`; adds to `counts`. */
export async function cleanWhatsAppTenant(
  deps: CleanupDeps,
  tenantId: string,
  options: CleanupOptions,
  counts: CleanupCounts,
): Promise<void> {
  const known = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await Session.list(deps, tenantId, { limit: 100, cursor });
    for (const session of page.sessions) {
      known.add(session.sessionId);
      await guarded(deps, counts, session, () => cleanSession(deps, session, options, counts));
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  await sweepOrphans(deps, tenantId, known, counts);
}

// --- Internal helpers ---

async function cleanSession(
  deps: CleanupDeps,
  session: Session.Session,
  options: CleanupOptions,
  counts: CleanupCounts,
): Promise<void> {
  const { now } = options;
  const ref = { tenantId: session.tenantId, sessionId: session.sessionId };
  const authDeps = { records: deps.storage.records, vault: deps.vault };
  const live = session.leaseOwner !== null && session.leaseExpiresAt > now;
  const expiry = expiresAt(session, options.unpairedTtlMs ?? Session.DEFAULT_UNPAIRED_TTL_MS);
  if (!live && expiry !== null && expiry <= now) {
    if (await removeIfUnchanged(deps, session)) {
      counts.expired++;
      counts.blobsDeleted += await AuthState.wipeAuthState(authDeps, ref);
    }
    return;
  }
  if (session.leaseOwner !== null && !live) {
    const lease = { ...ref, owner: session.leaseOwner, epoch: session.epoch };
    if (await Session.releaseLease({ storage: deps.storage, clock: () => now }, lease))
      counts.leasesReleased++;
  }
  if (!live) {
    const pruned = await AuthState.pruneAuthState(authDeps, ref);
    counts.generationsPruned += pruned;
    counts.blobsDeleted += pruned;
  }
  if (options.scrub !== false) {
    counts.scrubbed++;
    if (!(await verifySession(deps, ref, now)).ok) counts.integrityFailures++;
  }
}

/** A session's own `expiresAt`; a never-paired one without it expires `ttlMs` after its last update. */
function expiresAt(session: Session.Session, ttlMs: number): number | null {
  if (session.expiresAt) return Date.parse(session.expiresAt);
  return session.paired ? null : Date.parse(session.updatedAt) + ttlMs;
}

async function removeIfUnchanged(deps: CleanupDeps, session: Session.Session): Promise<boolean> {
  try {
    await deps.storage.records.delete(
      { pk: `t#${session.tenantId}`, sk: `wa#${session.sessionId}` },
      { version: session.version },
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false; // touched meanwhile: next run decides
    throw error;
  }
}

/**
 * Auth-state blobs under `t/<tenant>/wa/<id>/` whose session record is gone (a wipe that failed
 * half-way, a stale owner writing after a delete). Re-read just before wiping: a session created
 * again under the same id since the listing keeps its state.
 */
async function sweepOrphans(
  deps: CleanupDeps,
  tenantId: string,
  known: Set<string>,
  counts: CleanupCounts,
): Promise<void> {
  const ids = new Set<string>();
  for (const blob of await deps.vault.listAll(`t/${tenantId}/wa/`)) {
    const id = blob.key.slice(`t/${tenantId}/wa/`.length).split("/")[0];
    if (id && !known.has(id)) ids.add(id);
  }
  for (const sessionId of ids) {
    if (await Session.fromID(deps, { tenantId, sessionId })) continue;
    const wiped = await AuthState.wipeAuthState(
      { records: deps.storage.records, vault: deps.vault },
      { tenantId, sessionId },
    );
    counts.blobsDeleted += wiped;
  }
}

/** One session's failure is logged and counted; the rest of the run goes on. */
async function guarded(
  deps: CleanupDeps,
  counts: CleanupCounts,
  session: Session.SessionRef,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    counts.errors++;
    deps.logger?.warn(
      { tenantId: session.tenantId, sessionId: session.sessionId, code: (error as { code?: string }).code },
      "cleanup: session skipped",
    );
  }
}
