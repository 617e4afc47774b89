import type { Attrs, AttrValue, RecordKey, StoredRecord } from "../../storage/types.js";
import type { Lease, SessionRef, SessionSource, Status, TelegramSession } from "./schema.js";

/**
 * Where a Telegram session lives. Internal to the session module:
 * - metadata `t#<tenantId>` / `tg#<sessionId>` (this file maps it to `TelegramSession`);
 * - phone lookup `t#<tenantId>` / `tgphone#<digits>` -> `{sessionId}`, so "is there a session for
 *   this phone" is one read (seed 002's `session_exists`);
 * - the secret, an encrypted vault blob `t/<tenantId>/tg/<sessionId>/session`.
 */

export const SESSION_SK_PREFIX = "tg#";

export function sessionKey(ref: SessionRef): RecordKey {
  return { pk: `t#${ref.tenantId}`, sk: `${SESSION_SK_PREFIX}${ref.sessionId}` };
}

export function phoneKey(tenantId: string, phone: string): RecordKey {
  return { pk: `t#${tenantId}`, sk: `tgphone#${phoneDigits(phone)}` };
}

export function secretBlobKey(ref: SessionRef): string {
  return `t/${ref.tenantId}/tg/${ref.sessionId}/session`;
}

/** The digits of a phone number: "+44 7700 900123" and "447700900123" are one account. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, "");
}

/** `+<digits>`, the one spelling stored and returned. */
export function e164(phone: string): string {
  return `+${phoneDigits(phone)}`;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The stored attributes of a new session (everything but `version`). */
export function toAttrs(session: Omit<TelegramSession, "version">): Attrs {
  return {
    ...session,
    lease: session.lease ? leaseAttrs(session.lease) : null,
  } as unknown as Attrs;
}

export function leaseAttrs(lease: Lease | null): AttrValue {
  return lease ? { holder: lease.holder, leaseId: lease.leaseId, expiresAt: lease.expiresAt } : null;
}

export function toSession(record: StoredRecord): TelegramSession {
  const a = record.attrs;
  return {
    sessionId: String(a.sessionId),
    tenantId: String(a.tenantId),
    accountId: optionalString(a.accountId),
    phoneNumber: optionalString(a.phoneNumber),
    dcId: Number(a.dcId),
    format: String(a.format) as SessionSource,
    apiId: Number(a.apiId),
    status: String(a.status) as Status,
    deadReason: optionalString(a.deadReason),
    createdAt: String(a.createdAt),
    lastCheckedAt: optionalString(a.lastCheckedAt),
    lease: toLease(a.lease),
    version: record.version,
  };
}

// --- Internal helpers ---

function optionalString(value: AttrValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

function toLease(value: AttrValue | undefined): Lease | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { holder, leaseId, expiresAt } = value;
  if (typeof leaseId !== "string" || typeof expiresAt !== "number") return null;
  return { holder: String(holder), leaseId, expiresAt };
}
