import { ulid } from "ulid";
import { AlreadyExistsError, ConditionFailedError } from "../../error.js";
import type { Attrs, AttrValue, Records, UpdateChange } from "../../storage/types.js";
import { LeaseLostError, SessionExistsError, SessionNotFoundError } from "./errors.js";
import { indexEntry, iso, isSessionSk, recordKey, toAttrs, toSession } from "./record.js";
import {
  type CreateInput,
  CreateInputSchema,
  type Desired,
  type LeaseRef,
  type ObservedPatch,
  type Session,
  type SessionRef,
} from "./schema.js";

/** What the session verbs need: the record store and a clock (ms). */
export interface SessionContext {
  storage: { records: Records };
  clock: () => number;
}

/** Never-paired sessions expire after this long unless the caller says otherwise (DESIGN §7). */
export const DEFAULT_UNPAIRED_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Creates a session that wants to be connected (status `pending`, in the connector index with a
 * free lease), or with `desired: "disconnected"` one no connector picks up (status
 * `disconnected`: a session made to receive an import). Validates `input`; generates
 * `wa_<ulid>` when no id is given. Throws `SessionExistsError` when the tenant already has this id.
 */
export async function create(
  ctx: SessionContext,
  input: CreateInput & { tenantId: string },
  options: { unpairedTtlMs?: number; desired?: Desired } = {},
): Promise<Session> {
  const desired = options.desired ?? "connected";
  const parsed = CreateInputSchema.parse({ sessionId: input.sessionId, phoneNumber: input.phoneNumber });
  const now = ctx.clock();
  const session: Omit<Session, "version"> = {
    sessionId: parsed.sessionId ?? `wa_${ulid(now)}`,
    tenantId: input.tenantId,
    ...(parsed.phoneNumber ? { phoneNumber: parsed.phoneNumber } : {}),
    status: desired === "connected" ? "pending" : "disconnected",
    desired,
    paired: false,
    createdAt: iso(now),
    updatedAt: iso(now),
    expiresAt: iso(now + (options.unpairedTtlMs ?? DEFAULT_UNPAIRED_TTL_MS)),
    leaseOwner: null,
    leaseExpiresAt: 0,
    epoch: 0,
  };
  const index = indexEntry(desired, 0);
  try {
    const row = await ctx.storage.records.create({
      ...recordKey(session),
      attrs: toAttrs(session),
      ...(index ? { gsi1pk: index.pk, gsi1sk: index.sk } : {}),
    });
    return toSession(row);
  } catch (error) {
    if (error instanceof AlreadyExistsError) throw new SessionExistsError(session.sessionId);
    throw error;
  }
}

/** The session, or `null` when the tenant has none with this id. */
export async function fromID(ctx: Pick<SessionContext, "storage">, ref: SessionRef): Promise<Session | null> {
  const row = await ctx.storage.records.get(recordKey(ref));
  return row ? toSession(row) : null;
}

/** One page of the tenant's sessions in id order. `nextCursor` is `null` on the last page. */
export async function list(
  ctx: Pick<SessionContext, "storage">,
  tenantId: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<{ sessions: Session[]; nextCursor: string | null }> {
  const limit = options.limit ?? 100;
  const sessions: Session[] = [];
  let cursor = options.cursor ?? null;
  // Other records share the `wa#` prefix (the auth-state pointer): keep reading until the page is full.
  do {
    const page = await ctx.storage.records.query(`t#${tenantId}`, {
      skPrefix: "wa#",
      limit: limit - sessions.length,
      cursor,
    });
    sessions.push(...page.items.filter((r) => isSessionSk(r.sk)).map(toSession));
    cursor = page.nextCursor;
  } while (cursor !== null && sessions.length < limit);
  return { sessions, nextCursor: cursor };
}

/**
 * Asks for the session to be connected: back in the connector index. A session nobody runs goes
 * back to `pending`; a never-paired one gets a fresh expiry. Throws `SessionNotFoundError`.
 */
export async function requestConnect(
  ctx: SessionContext,
  ref: SessionRef,
  options: { unpairedTtlMs?: number } = {},
): Promise<Session> {
  return updateWithRetry(ctx, ref, (current, now) => {
    const set: Attrs = { desired: "connected", updatedAt: iso(now) };
    if (current.leaseOwner === null) set.status = "pending";
    if (!current.paired) set.expiresAt = iso(now + (options.unpairedTtlMs ?? DEFAULT_UNPAIRED_TTL_MS));
    return { set, remove: ["logoutRequested"], gsi1: indexEntry("connected", current.leaseExpiresAt) };
  });
}

/**
 * Hands a session nobody runs to a connector only to unlink its device (a logout needs a socket):
 * wanted connected again, with `logoutRequested`, so a connector takes it, and its runner logs
 * out as soon as the socket opens (status `logged_out`, key material wiped). Throws `SessionNotFoundError`.
 */
export async function requestLogout(ctx: SessionContext, ref: SessionRef): Promise<Session> {
  return updateWithRetry(ctx, ref, (current, now) => {
    const set: Attrs = { desired: "connected", logoutRequested: true, updatedAt: iso(now) };
    if (current.leaseOwner === null) set.status = "pending";
    return { set, gsi1: indexEntry("connected", current.leaseExpiresAt) };
  });
}

/**
 * Asks for the session to be disconnected: out of the connector index; its owner stops it.
 * `logout`: the owner also unlinks the device and wipes the key material (status `logged_out`);
 * when nobody owns the session, the caller wipes it itself (`wipeAuthState`).
 */
export async function requestDisconnect(
  ctx: SessionContext,
  ref: SessionRef,
  options: { logout?: boolean } = {},
): Promise<Session> {
  const set: Attrs = { desired: "disconnected", updatedAt: iso(ctx.clock()) };
  if (options.logout) set.logoutRequested = true;
  try {
    const row = await ctx.storage.records.update(
      recordKey(ref),
      { set, gsi1: null },
      { equals: { sessionId: ref.sessionId } },
    );
    return toSession(row);
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new SessionNotFoundError(ref.sessionId);
    throw error;
  }
}

/**
 * Writes observed state as the lease holder `lease` (owner + epoch). Throws `LeaseLostError` when
 * the caller no longer holds that lease (a stale owner never overwrites the new owner's state).
 */
export async function publish(ctx: SessionContext, lease: LeaseRef, patch: ObservedPatch): Promise<Session> {
  const set: Attrs = { updatedAt: iso(ctx.clock()) };
  const remove: string[] = [];
  for (const [name, value] of Object.entries(patch) as [keyof ObservedPatch, unknown][]) {
    if (value === undefined) continue;
    if (value === null) remove.push(name);
    else if (TIME_FIELDS.has(name) && typeof value === "number") set[name] = iso(value);
    else set[name] = value as AttrValue;
  }
  if (patch.paired === true) remove.push("expiresAt");
  try {
    const row = await ctx.storage.records.update(
      recordKey(lease),
      { set, remove, ...(patch.desired === "disconnected" ? { gsi1: null } : {}) },
      { equals: { leaseOwner: lease.owner, epoch: lease.epoch } },
    );
    return toSession(row);
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new LeaseLostError(lease.sessionId, lease.epoch, error);
    throw error;
  }
}

/** Deletes the session record (key material is the auth state's: see `wipeAuthState`). Throws `SessionNotFoundError`. */
export async function remove(ctx: Pick<SessionContext, "storage">, ref: SessionRef): Promise<void> {
  try {
    await ctx.storage.records.delete(recordKey(ref), { equals: { sessionId: ref.sessionId } });
  } catch (error) {
    if (error instanceof ConditionFailedError) throw new SessionNotFoundError(ref.sessionId);
    throw error;
  }
}

/**
 * Reads the session, computes a change from it (`null` = nothing to do) and writes it conditional
 * on the version read, retrying on a race. Shared by the verbs that must keep the index consistent.
 * Throws `SessionNotFoundError`.
 */
export async function updateWithRetry(
  ctx: SessionContext,
  ref: SessionRef,
  change: (current: Session, now: number) => UpdateChange | null,
): Promise<Session> {
  for (let attempt = 0; ; attempt++) {
    const current = await fromID(ctx, ref);
    if (!current) throw new SessionNotFoundError(ref.sessionId);
    const next = change(current, ctx.clock());
    if (next === null) return current;
    try {
      const row = await ctx.storage.records.update(recordKey(ref), next, { version: current.version });
      return toSession(row);
    } catch (error) {
      if (!(error instanceof ConditionFailedError) || attempt >= 10) throw error;
    }
  }
}

// --- Internal helpers ---

const TIME_FIELDS = new Set<string>(["qrExpiresAt", "connectedAt", "lastSeenAt"]);
