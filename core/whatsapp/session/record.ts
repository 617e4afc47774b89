import type { Attrs, AttrValue, RecordKey, StoredRecord } from "../../storage/types.js";
import type { Account, Desired, Session, SessionError, SessionRef, Status } from "./schema.js";

/**
 * Mapping between `Session` and its stored record (`t#<tenantId>` / `wa#<sessionId>`), and the
 * connector index: while desired=connected the record is in `gsi1pk = "wa#want"` with
 * `gsi1sk` = lease expiry (ms, 15 digits, 0 when free), so "free or expired" is one range query.
 * Internal to the session module.
 */

export const WANT_INDEX = "wa#want";

export function recordKey(ref: SessionRef): RecordKey {
  return { pk: `t#${ref.tenantId}`, sk: `wa#${ref.sessionId}` };
}

/** True for a session record's sort key (the auth-state pointer `wa#<id>#state` shares the prefix). */
export function isSessionSk(sk: string): boolean {
  return /^wa#[A-Za-z0-9_-]{1,64}$/.test(sk);
}

/** Fixed-width ms so that lexicographic order is numeric order. */
export function padMs(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, "0");
}

/** The index entry for a record in this state; `null` = not in the index. */
export function indexEntry(desired: Desired, leaseExpiresAt: number): { pk: string; sk: string } | null {
  return desired === "connected" ? { pk: WANT_INDEX, sk: padMs(leaseExpiresAt) } : null;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toSession(record: StoredRecord): Session {
  const a = record.attrs;
  const session: Session = {
    sessionId: String(a.sessionId),
    tenantId: String(a.tenantId),
    status: String(a.status) as Status,
    desired: a.desired === "connected" ? "connected" : "disconnected",
    paired: a.paired === true,
    createdAt: String(a.createdAt),
    updatedAt: String(a.updatedAt),
    leaseOwner: typeof a.leaseOwner === "string" ? a.leaseOwner : null,
    leaseExpiresAt: typeof a.leaseExpiresAt === "number" ? a.leaseExpiresAt : 0,
    epoch: typeof a.epoch === "number" ? a.epoch : 0,
    version: record.version,
  };
  for (const name of [
    "phoneNumber",
    "qr",
    "qrExpiresAt",
    "pairingCode",
    "connectedAt",
    "lastSeenAt",
    "expiresAt",
  ] as const) {
    const value = a[name];
    if (typeof value === "string") session[name] = value;
  }
  if (a.logoutRequested === true) session.logoutRequested = true;
  if (isObject(a.account)) session.account = a.account as unknown as Account;
  if (isObject(a.lastError)) session.lastError = a.lastError as unknown as SessionError;
  return session;
}

/** A session's stored attributes (everything but the record version). */
export function toAttrs(session: Omit<Session, "version">): Attrs {
  const attrs: Attrs = {};
  for (const [name, value] of Object.entries(session)) {
    if (value !== undefined) attrs[name] = value as AttrValue;
  }
  return attrs;
}

// --- Internal helpers ---

function isObject(value: AttrValue | undefined): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
