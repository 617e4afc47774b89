import type { WebhookEvent } from "../webhook/index.js";
import { toTelegramError } from "./errors.js";
import type { SignedIn } from "./login.js";
import {
  type AttemptRef,
  consumeAttempt,
  type LoginAttempt,
  loadAttempt,
  markPasswordStage,
  saveAttempt,
} from "./login-attempt.js";
import * as TelegramSession from "./session/index.js";

/** `POST /telegram/sessions/code` input. */
export interface RequestCodeInput {
  phoneNumber: string;
  apiId?: number;
  apiHash?: string;
}

export type RequestCodeResult =
  | { status: "session_exists"; sessionId: string; accountId: string | null; phoneNumber: string }
  | { status: "code_sent"; phoneNumber: string; phoneCodeHash: string; isCodeViaApp: boolean };

/** `POST /telegram/sessions/verify` input. */
export interface VerifyInput {
  phoneNumber: string;
  phoneCodeHash: string;
  code: string;
  password?: string;
}

/**
 * Step 1 of a code login. When the tenant already has a session for this phone that still works,
 * answers `session_exists` and sends nothing (seed 002): the stored key is checked first (`getMe`,
 * as `POST …/check` does), and one Telegram has dropped is marked dead (with its webhook) and a new
 * code is sent instead. A session leased by a consumer is in use, so it is not checked. Otherwise
 * connects a fresh client (a new auth key), asks Telegram to send a code, and keeps the pre-login
 * key as a pending attempt (`login-attempt.ts`). Telegram failures become API problems
 * (`telegram.flood_wait`, `telegram.unreachable`, …).
 */
export async function requestCode(
  ctx: TelegramSession.TelegramContext,
  tenantId: string,
  input: RequestCodeInput,
  options: { emit?: (event: WebhookEvent) => Promise<void> } = {},
): Promise<RequestCodeResult> {
  const phoneNumber = `+${input.phoneNumber.replace(/\D/g, "")}`;
  const existing = await TelegramSession.findUsableByPhone(ctx, tenantId, phoneNumber);
  if (existing && (await stillWorks(ctx, existing, options))) {
    return {
      status: "session_exists",
      sessionId: existing.sessionId,
      accountId: existing.accountId,
      phoneNumber,
    };
  }
  const creds = TelegramSession.resolveCredentials(input, ctx.config.telegram);
  // GramJS is loaded on first use only (see `connectOptions`).
  const { createTelegramClient } = await import("./gramjs-client.js");
  const { sendLoginCode } = await import("./login.js");
  const client = createTelegramClient({
    ...(await TelegramSession.connectOptions(ctx.config.telegram, creds)),
    session: "",
  });
  let sent: Awaited<ReturnType<typeof sendLoginCode>>;
  try {
    sent = await sendLoginCode(client, phoneNumber, creds.apiId, creds.apiHash);
  } catch (err) {
    throw TelegramSession.toApiError(err);
  } finally {
    await client.destroy();
  }
  const ref = { tenantId, phoneNumber, phoneCodeHash: sent.phoneCodeHash };
  await saveAttempt(ctx, ref, { ...creds, sessionString: sent.sessionString });
  return {
    status: "code_sent",
    phoneNumber,
    phoneCodeHash: sent.phoneCodeHash,
    isCodeViaApp: sent.isCodeViaApp,
  };
}

/**
 * Step 2: signs in on the pre-login key saved by `requestCode` and stores the session. A 2FA account
 * without `password` answers `telegram.password_required` (with the hint) and the attempt stays, so
 * the caller repeats verify with the password. Wrong code (`telegram.code_invalid`) and wrong
 * password (`telegram.password_invalid`) keep the attempt too; an unknown, expired or used hash is
 * `telegram.code_expired`.
 */
export async function verifyCode(
  ctx: TelegramSession.TelegramContext,
  tenantId: string,
  input: VerifyInput,
): Promise<TelegramSession.TelegramSession> {
  const ref: AttemptRef = { tenantId, phoneNumber: input.phoneNumber, phoneCodeHash: input.phoneCodeHash };
  const attempt = await loadAttempt(ctx, ref).catch((err: unknown) => {
    throw TelegramSession.toApiError(err);
  });
  let signed: SignedIn;
  try {
    signed = await signIn(ctx, attempt, input);
  } catch (err) {
    const kind = toTelegramError(err).problem.kind;
    if (kind === "password_needed" || kind === "password_invalid") await markPasswordStage(ctx, ref);
    if (kind === "code_expired") await consumeAttempt(ctx, ref);
    throw TelegramSession.toApiError(err);
  }
  const session = await TelegramSession.createFromLogin(ctx, {
    tenantId,
    sessionString: signed.sessionString,
    apiId: attempt.apiId,
    apiHash: attempt.apiHash,
    accountId: signed.user.id,
    phoneNumber: attempt.phoneNumber,
  });
  await consumeAttempt(ctx, ref);
  return session;
}

// --- Internal helpers ---

/** After Telegram asked for the password, only the SRP step is repeated (the code was accepted). */
async function signIn(
  ctx: TelegramSession.TelegramContext,
  attempt: LoginAttempt,
  input: VerifyInput,
): Promise<SignedIn> {
  const { checkLoginPassword, signInWithCode } = await import("./login.js");
  const options = await TelegramSession.connectOptions(ctx.config.telegram, attempt);
  const { sessionString } = attempt;
  if (attempt.stage === "password" && input.password !== undefined) {
    return checkLoginPassword(options, { sessionString, password: input.password });
  }
  return signInWithCode(options, {
    sessionString,
    phone: attempt.phoneNumber,
    phoneCodeHash: input.phoneCodeHash,
    code: input.code,
    ...(input.password === undefined ? {} : { password: input.password }),
  });
}

/** Whether a stored active session's key still works: leased (in use) counts as yes. */
async function stillWorks(
  ctx: TelegramSession.TelegramContext,
  session: TelegramSession.TelegramSession,
  options: { emit?: (event: WebhookEvent) => Promise<void> },
): Promise<boolean> {
  if (session.lease && session.lease.expiresAt > ctx.clock()) return true;
  try {
    return (await TelegramSession.checkSession(ctx, session, options)).alive;
  } catch (err) {
    if (err instanceof TelegramSession.SessionLeasedError) return true; // taken meanwhile: in use
    throw err;
  }
}
