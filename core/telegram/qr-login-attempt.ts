import { randomBytes } from "node:crypto";
import { ConditionFailedError, SessionvaultError } from "../error.js";
import type { RecordKey, StoredRecord } from "../storage/types.js";
import { DEFAULT_LOGIN_TTL_MS } from "./login-attempt.js";
import type { TelegramContext } from "./session/schema.js";

/**
 * Pending QR logins, between `POST …/qr` and the polls that follow (stateless calls, like the code
 * login's `login-attempt.ts`). Each is one record `t#<tenantId>` / `tgqr#<loginId>` with `expiresAt`
 * (ms) and a storage `ttl`. The pre-login session string, the api_hash and the current token are a
 * value sealed under the master key (`vault.seal`, bound to the record's key), so the record alone
 * gives nothing away. The cleanup job drops expired ones where no storage TTL does.
 */

export const QR_LOGIN_SK_PREFIX = "tgqr#";

/** What a poll gets back. `sessionString` and `apiHash` are secrets; `token` is shown as the QR. */
export interface QrLoginAttempt {
  loginId: string;
  apiId: number;
  apiHash: string;
  sessionString: string;
  token: Buffer;
  tokenExpiresAt: number;
  /** `password` once the QR was accepted and Telegram asked for the 2FA password. */
  stage: "qr" | "password";
  hint: string | null;
  expiresAt: number;
  version: number;
}

export interface QrLoginRef {
  tenantId: string;
  loginId: string;
}

/** What a step changes: the session (a DC switch replaces it), the token, the stage. */
export type QrLoginUpdate = Pick<
  QrLoginAttempt,
  "sessionString" | "token" | "tokenExpiresAt" | "stage" | "hint"
>;

/** A new login id: not a secret (the tenant's API key guards it), just unguessable and URL-safe. */
export function newLoginId(): string {
  return `tgqr_${randomBytes(16).toString("hex")}`;
}

/** Stores a fresh attempt that expires after `config.telegram.loginTtlMs` (default 10 min). */
export async function saveQrAttempt(
  ctx: TelegramContext,
  ref: QrLoginRef,
  data: { apiId: number; apiHash: string } & QrLoginUpdate,
): Promise<QrLoginAttempt> {
  const expiresAt = ctx.clock() + (ctx.config.telegram?.loginTtlMs ?? DEFAULT_LOGIN_TTL_MS);
  const key = keyOf(ref);
  const record = await ctx.storage.records.create({
    ...key,
    attrs: { apiId: data.apiId, expiresAt, ...publicAttrs(data), secret: seal(ctx, key, data.apiHash, data) },
    ttl: Math.ceil(expiresAt / 1000),
  });
  return fromRecord(ctx, ref, record);
}

/** The pending attempt; an unknown or expired one throws `telegram.qr_login_expired` (404). */
export async function loadQrAttempt(ctx: TelegramContext, ref: QrLoginRef): Promise<QrLoginAttempt> {
  const record = await ctx.storage.records.get(keyOf(ref));
  if (!record || Number(record.attrs.expiresAt ?? 0) <= ctx.clock()) {
    if (record) await ctx.storage.records.delete(keyOf(ref));
    throw new QrLoginExpiredError(ref.loginId);
  }
  return fromRecord(ctx, ref, record);
}

/**
 * Writes what a step changed, if nobody else stepped meanwhile (compare on `version`). A lost race
 * throws `telegram.qr_login_busy` (409): two polls of one login at once; the next poll sees the winner.
 */
export async function updateQrAttempt(
  ctx: TelegramContext,
  attempt: QrLoginAttempt,
  ref: QrLoginRef,
  update: QrLoginUpdate,
): Promise<QrLoginAttempt> {
  const key = keyOf(ref);
  try {
    const record = await ctx.storage.records.update(
      key,
      { set: { ...publicAttrs(update), secret: seal(ctx, key, attempt.apiHash, update) } },
      { version: attempt.version },
    );
    return fromRecord(ctx, ref, record);
  } catch (err) {
    if (err instanceof ConditionFailedError) throw new QrLoginBusyError(ref.loginId);
    throw err;
  }
}

/** Deletes the attempt (signed in, or its token is gone for good). Idempotent. */
export async function consumeQrAttempt(ctx: TelegramContext, ref: QrLoginRef): Promise<void> {
  await ctx.storage.records.delete(keyOf(ref));
}

/** No pending QR login with this id: it never existed, expired, or finished. */
export class QrLoginExpiredError extends SessionvaultError {
  constructor(loginId: string) {
    super("telegram.qr_login_expired", "no pending QR login with this id: start a new one", {
      status: 404,
      details: { loginId },
    });
    this.name = "QrLoginExpiredError";
  }
}

/** Two polls of the same QR login at once; one of them wins. */
export class QrLoginBusyError extends SessionvaultError {
  constructor(loginId: string) {
    super("telegram.qr_login_busy", "this QR login is being polled by another request; poll again", {
      status: 409,
      details: { loginId },
    });
    this.name = "QrLoginBusyError";
  }
}

/** The QR was scanned already (only the 2FA password is missing): there is no QR to show. */
export class QrAlreadyScannedError extends SessionvaultError {
  constructor(loginId: string) {
    super("telegram.qr_already_scanned", "the QR was scanned; poll with the 2FA password to finish", {
      status: 409,
      details: { loginId },
    });
    this.name = "QrAlreadyScannedError";
  }
}

// --- Internal helpers ---

interface SealedPart {
  sessionString: string;
  apiHash: string;
  token: string;
}

function keyOf(ref: QrLoginRef): RecordKey {
  return { pk: `t#${ref.tenantId}`, sk: `${QR_LOGIN_SK_PREFIX}${ref.loginId}` };
}

function identity(key: RecordKey): string {
  return `${key.pk}/${key.sk}/secret`;
}

function publicAttrs(data: QrLoginUpdate): Record<string, unknown> {
  return { stage: data.stage, hint: data.hint, tokenExpiresAt: data.tokenExpiresAt };
}

function seal(ctx: TelegramContext, key: RecordKey, apiHash: string, data: QrLoginUpdate): string {
  const part: SealedPart = {
    sessionString: data.sessionString,
    apiHash,
    token: data.token.toString("base64"),
  };
  return Buffer.from(ctx.vault.seal(identity(key), Buffer.from(JSON.stringify(part)))).toString("base64");
}

function fromRecord(ctx: TelegramContext, ref: QrLoginRef, record: StoredRecord): QrLoginAttempt {
  const sealed = Buffer.from(String(record.attrs.secret ?? ""), "base64");
  const part = JSON.parse(
    Buffer.from(ctx.vault.open(identity(record), sealed)).toString("utf8"),
  ) as SealedPart;
  return {
    loginId: ref.loginId,
    apiId: Number(record.attrs.apiId),
    apiHash: part.apiHash,
    sessionString: part.sessionString,
    token: Buffer.from(part.token, "base64"),
    tokenExpiresAt: Number(record.attrs.tokenExpiresAt ?? 0),
    stage: record.attrs.stage === "password" ? "password" : "qr",
    hint: typeof record.attrs.hint === "string" ? record.attrs.hint : null,
    expiresAt: Number(record.attrs.expiresAt ?? 0),
    version: record.version,
  };
}
