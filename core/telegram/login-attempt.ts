import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { BlobCorruptError, ConditionFailedError } from "../error.js";
import type { RecordKey } from "../storage/types.js";
import { TelegramError } from "./errors.js";
import type { TelegramContext } from "./session/schema.js";

/**
 * Pending code logins, between `POST …/code` and `POST …/verify` (two stateless calls). Telegram
 * binds a `phone_code_hash` to the auth key that asked for it, so that pre-login key must come back
 * for verify. It is kept as:
 * - a record `t#<tenantId>` / `tglogin#<digits>#<id>` with `expiresAt` (ms) and a storage `ttl`;
 * - a vault blob `t/<tenantId>/tg/login/<digits>/<id>`, where `<id>` hashes phone + hash, whose
 *   plaintext is itself AES-256-GCM sealed under a key derived from the `phone_code_hash`: the
 *   stored bytes alone (even with the master key) do not give the pre-login key without the hash.
 */

export const DEFAULT_LOGIN_TTL_MS = 10 * 60_000;

/** What verify gets back. `sessionString` and `apiHash` are secrets. */
export interface LoginAttempt {
  phoneNumber: string;
  apiId: number;
  apiHash: string;
  sessionString: string;
  /** `password` once Telegram accepted the code and asked for the 2FA password. */
  stage: "code" | "password";
  expiresAt: number;
}

export interface AttemptRef {
  tenantId: string;
  phoneNumber: string;
  phoneCodeHash: string;
}

/** Stores a fresh attempt that expires after `config.telegram.loginTtlMs` (default 10 min). */
export async function saveAttempt(
  ctx: TelegramContext,
  ref: AttemptRef,
  data: { apiId: number; apiHash: string; sessionString: string },
): Promise<void> {
  const now = ctx.clock();
  const expiresAt = now + (ctx.config.telegram?.loginTtlMs ?? DEFAULT_LOGIN_TTL_MS);
  const { record, blob } = keysOf(ref);
  const payload = JSON.stringify({ sessionString: data.sessionString, apiHash: data.apiHash });
  await ctx.vault.put(blob, seal(ref, blob, Buffer.from(payload)));
  await ctx.storage.records.delete(record);
  await ctx.storage.records.create({
    ...record,
    attrs: { phoneNumber: `+${digitsOf(ref)}`, apiId: data.apiId, stage: "code", expiresAt },
    ttl: Math.ceil(expiresAt / 1000),
  });
}

/** The pending attempt. Unknown, expired or foreign ones throw `telegram.code_expired` (and are wiped). */
export async function loadAttempt(ctx: TelegramContext, ref: AttemptRef): Promise<LoginAttempt> {
  const { record: key, blob } = keysOf(ref);
  const record = await ctx.storage.records.get(key);
  const expiresAt = Number(record?.attrs.expiresAt ?? 0);
  const sealed = record && expiresAt > ctx.clock() ? await ctx.vault.find(blob) : null;
  if (!record || !sealed) {
    await consumeAttempt(ctx, ref);
    throw new TelegramError(
      { kind: "code_expired" },
      { message: "no pending login for this phone and hash" },
    );
  }
  const secret = JSON.parse(open(ref, blob, sealed).toString("utf8")) as {
    sessionString: string;
    apiHash: string;
  };
  return {
    phoneNumber: String(record.attrs.phoneNumber),
    apiId: Number(record.attrs.apiId),
    apiHash: secret.apiHash,
    sessionString: secret.sessionString,
    stage: record.attrs.stage === "password" ? "password" : "code",
    expiresAt,
  };
}

/** Notes that the code was accepted and only the 2FA password is missing. */
export async function markPasswordStage(ctx: TelegramContext, ref: AttemptRef): Promise<void> {
  try {
    await ctx.storage.records.update(keysOf(ref).record, { set: { stage: "password" } });
  } catch (err) {
    // Consumed meanwhile (a parallel verify finished): the next verify answers code_expired anyway.
    if (!(err instanceof ConditionFailedError)) throw err;
  }
}

/** Deletes the attempt (after a login, or when Telegram says the code is gone). Idempotent. */
export async function consumeAttempt(ctx: TelegramContext, ref: AttemptRef): Promise<void> {
  const { record, blob } = keysOf(ref);
  await ctx.storage.records.delete(record);
  await ctx.vault.delete(blob);
}

// --- Internal helpers ---

const INFO = Buffer.from("sessionvault/telegram-login/v1");

function digitsOf(ref: AttemptRef): string {
  return ref.phoneNumber.replace(/\D/g, "");
}

function keysOf(ref: AttemptRef): { record: RecordKey; blob: string } {
  const digits = digitsOf(ref);
  const id = createHash("sha256").update(`${digits}\n${ref.phoneCodeHash}`).digest("hex").slice(0, 32);
  return {
    record: { pk: `t#${ref.tenantId}`, sk: `tglogin#${digits}#${id}` },
    blob: `t/${ref.tenantId}/tg/login/${digits}/${id}`,
  };
}

function keyOf(ref: AttemptRef): Buffer {
  return Buffer.from(hkdfSync("sha256", ref.phoneCodeHash, digitsOf(ref), INFO, 32));
}

/** `iv(12) | tag(16) | ciphertext`, AES-256-GCM, the blob key as associated data. */
function seal(ref: AttemptRef, blob: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(ref), iv).setAAD(Buffer.from(blob));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(ref: AttemptRef, blob: string, sealed: Uint8Array): Buffer {
  const buf = Buffer.from(sealed);
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyOf(ref), buf.subarray(0, 12)).setAAD(
      Buffer.from(blob),
    );
    decipher.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]);
  } catch (err) {
    throw new BlobCorruptError(blob, "auth_failed", err);
  }
}
