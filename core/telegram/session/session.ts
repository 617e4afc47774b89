import { ulid } from "ulid";
import { AlreadyExistsError, ConditionFailedError } from "../../error.js";
import { type ExportFormat, serialize } from "../codecs/index.js";
import { SessionNotFoundError } from "./errors.js";
import { claimKey, releaseKey } from "./key-claim.js";
import { assertUsableBy } from "./lease.js";
import {
  e164,
  iso,
  phoneKey,
  SESSION_SK_PREFIX,
  secretBlobKey,
  sessionKey,
  toAttrs,
  toSession,
} from "./record.js";
import type { SessionPage, SessionRef, SessionSource, TelegramContext, TelegramSession } from "./schema.js";
import { decodeSecret, encodeSecret, type SessionSecret, secretFromLogin, toSessionData } from "./secret.js";

/** What `create` stores: the secret goes to the vault, the rest to the metadata record. */
export interface CreateInput {
  tenantId: string;
  secret: SessionSecret;
  format: SessionSource;
  accountId?: string | null;
  phoneNumber?: string | null;
}

/**
 * Stores a new active session: the claim on its auth key first (`DuplicateKeyError`, 409, while
 * a live session anywhere holds the key), then the encrypted secret (a record never points at a
 * missing blob), then the record, then the phone lookup (a later login or import for the same
 * phone repoints it: the newest session wins).
 */
export async function create(ctx: TelegramContext, input: CreateInput): Promise<TelegramSession> {
  const now = ctx.clock();
  const ref = { tenantId: input.tenantId, sessionId: `tg_${ulid(now)}` };
  const session: Omit<TelegramSession, "version"> = {
    ...ref,
    accountId: input.accountId ?? null,
    phoneNumber: input.phoneNumber ? e164(input.phoneNumber) : null,
    dcId: input.secret.dcId,
    format: input.format,
    apiId: input.secret.apiId,
    status: "active",
    deadReason: null,
    createdAt: iso(now),
    lastCheckedAt: null,
    lease: null,
  };
  await claimKey(ctx, input.secret.authKey, ref);
  const blob = secretBlobKey(ref);
  let record: TelegramSession;
  try {
    await ctx.vault.put(blob, encodeSecret(input.secret));
    record = toSession(await ctx.storage.records.create({ ...sessionKey(ref), attrs: toAttrs(session) }));
  } catch (err) {
    await ctx.vault.delete(blob).catch(() => undefined); // the original error matters more
    await releaseKey(ctx, input.secret.authKey, ref).catch(() => undefined);
    throw err;
  }
  if (session.phoneNumber) await pointPhone(ctx, input.tenantId, session.phoneNumber, ref.sessionId);
  return record;
}

/** What a finished login (code or QR) stores: its GramJS session, app and account. */
export interface LoginInput {
  tenantId: string;
  sessionString: string;
  apiId: number;
  apiHash: string;
  accountId: string;
  phoneNumber: string | null;
}

/** Stores the session a login just signed in, as `create` does, with `format: "login"`. */
export async function createFromLogin(ctx: TelegramContext, input: LoginInput): Promise<TelegramSession> {
  const { tenantId, sessionString, apiId, apiHash, accountId, phoneNumber } = input;
  const secret = await secretFromLogin(sessionString, { apiId, apiHash, userId: accountId });
  return create(ctx, { tenantId, secret, format: "login", accountId, phoneNumber });
}

/** The session, or `null` when this tenant has none with this id. */
export async function fromID(ctx: TelegramContext, ref: SessionRef): Promise<TelegramSession | null> {
  const record = await ctx.storage.records.get(sessionKey(ref));
  return record ? toSession(record) : null;
}

/** Like `fromID`, but absent throws `SessionNotFoundError` (`telegram.session_not_found`, 404). */
export async function requireSession(ctx: TelegramContext, ref: SessionRef): Promise<TelegramSession> {
  const session = await fromID(ctx, ref);
  if (!session) throw new SessionNotFoundError(ref.sessionId);
  return session;
}

/** A tenant's sessions in creation order, `limit` (1..100, default 50) per page. */
export async function list(
  ctx: TelegramContext,
  tenantId: string,
  options: { limit?: number; cursor?: string | null } = {},
): Promise<SessionPage> {
  const page = await ctx.storage.records.query(`t#${tenantId}`, {
    skPrefix: SESSION_SK_PREFIX,
    limit: Math.min(100, Math.max(1, options.limit ?? 50)),
    cursor: options.cursor ?? null,
  });
  return { sessions: page.items.map(toSession), nextCursor: page.nextCursor };
}

/** The active session stored for `phone`, or `null` (none, or only a dead one). Two reads, no Telegram call. */
export async function findUsableByPhone(
  ctx: TelegramContext,
  tenantId: string,
  phone: string,
): Promise<TelegramSession | null> {
  const pointer = await ctx.storage.records.get(phoneKey(tenantId, phone));
  if (!pointer) return null;
  const session = await fromID(ctx, { tenantId, sessionId: String(pointer.attrs.sessionId) });
  return session?.status === "active" ? session : null;
}

/** Deletes the record, then the secret, then the phone lookup if it still points here. 404 when absent. */
export async function remove(ctx: TelegramContext, ref: SessionRef): Promise<void> {
  const session = await requireSession(ctx, ref);
  // The key's claim goes too; a secret that no longer reads leaves a claim a later import takes over.
  const secret = await loadSecret(ctx, ref).catch(() => null);
  await ctx.storage.records.delete(sessionKey(ref));
  await ctx.vault.delete(secretBlobKey(ref));
  if (secret) await releaseKey(ctx, secret.authKey, ref);
  if (!session.phoneNumber) return;
  try {
    await ctx.storage.records.delete(phoneKey(ref.tenantId, session.phoneNumber), {
      equals: { sessionId: ref.sessionId },
    });
  } catch (err) {
    // Repointed to a newer session meanwhile: that one keeps it.
    if (!(err instanceof ConditionFailedError)) throw err;
  }
}

/** Marks the session dead for good (`reason` = Telegram's error, e.g. AUTH_KEY_UNREGISTERED). */
export async function markDead(ctx: TelegramContext, ref: SessionRef, reason: string): Promise<void> {
  const now = iso(ctx.clock());
  await ctx.storage.records.update(sessionKey(ref), {
    set: { status: "dead", deadReason: reason, lastCheckedAt: now },
  });
}

/** Records a successful liveness check. */
export async function markChecked(ctx: TelegramContext, ref: SessionRef): Promise<void> {
  await ctx.storage.records.update(sessionKey(ref), { set: { lastCheckedAt: iso(ctx.clock()) } });
}

/** The decrypted secret. Throws `BlobMissingError` / `BlobCorruptError` naming the blob. */
export async function loadSecret(ctx: TelegramContext, ref: SessionRef): Promise<SessionSecret> {
  const blob = secretBlobKey(ref);
  return decodeSecret(await ctx.vault.get(blob), blob);
}

/**
 * The session as a string in `format`: the only way key material leaves the service. While a lease
 * is held, only its holder (`leaseId`) may export; the codec's `not_exportable` errors pass through.
 */
export async function exportString(
  ctx: TelegramContext,
  ref: SessionRef,
  format: ExportFormat,
  leaseId?: string,
): Promise<string> {
  const session = await requireSession(ctx, ref);
  assertUsableBy(session, ctx.clock(), leaseId);
  return serialize(toSessionData(await loadSecret(ctx, ref)), format);
}

// --- Internal helpers ---

async function pointPhone(
  ctx: TelegramContext,
  tenantId: string,
  phone: string,
  sessionId: string,
): Promise<void> {
  const key = phoneKey(tenantId, phone);
  try {
    await ctx.storage.records.create({ ...key, attrs: { sessionId } });
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    await ctx.storage.records.update(key, { set: { sessionId } });
  }
}
