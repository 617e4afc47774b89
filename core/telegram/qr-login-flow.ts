import { TelegramError, toTelegramError } from "./errors.js";
import type { SignedIn } from "./login.js";
import type { QrLoginStep } from "./qr-login.js";
import {
  consumeQrAttempt,
  loadQrAttempt,
  newLoginId,
  type QrLoginAttempt,
  QrLoginExpiredError,
  type QrLoginRef,
  saveQrAttempt,
  updateQrAttempt,
} from "./qr-login-attempt.js";
import * as TelegramSession from "./session/index.js";

/** `POST /telegram/sessions/qr` input: the app credentials, when the deployment has none. */
export interface StartQrLoginInput {
  apiId?: number;
  apiHash?: string;
}

/** Where a QR login stands, as the API answers it (never the pre-login session). */
export type QrLoginState =
  | { status: "qr_pending"; loginId: string; qr: string; qrExpiresAt: number; expiresAt: number }
  | { status: "password_required"; loginId: string; hint: string | null; expiresAt: number }
  | { status: "signed_in"; session: TelegramSession.TelegramSession };

/**
 * Starts a QR login: a fresh client (a new auth key) exports a login token, and the pre-login session
 * is kept as a pending attempt. The answer's `qr` (`tg://login?token=…`) is what the user scans in a
 * Telegram app already logged in (Settings → Devices → Link Desktop Device); then `pollQrLogin`.
 */
export async function startQrLogin(
  ctx: TelegramSession.TelegramContext,
  tenantId: string,
  input: StartQrLoginInput,
): Promise<Extract<QrLoginState, { status: "qr_pending" }>> {
  const creds = TelegramSession.resolveCredentials(input, ctx.config.telegram);
  const step = await runStep(ctx, creds, "").catch((err: unknown) => {
    throw TelegramSession.toApiError(err);
  });
  if (step.status !== "pending") {
    // A fresh key is logged in to nothing: Telegram can only answer with a token here.
    throw new TelegramError(
      { kind: "rejected", errorMessage: "QR_LOGIN_UNEXPECTED" },
      { message: `a new QR login answered ${step.status} before any scan` },
    );
  }
  const ref = { tenantId, loginId: newLoginId() };
  const attempt = await saveQrAttempt(ctx, ref, { ...creds, ...stepUpdate(step) });
  return pendingState(attempt);
}

/**
 * One poll: exports the token again on the saved pre-login key. Not scanned yet: the current QR
 * (Telegram renews the token every 30 s, so show the latest). Scanned: the session is stored and
 * the attempt is gone. A 2FA account answers `password_required` (with the hint) until a poll comes
 * with `password`; a wrong one is `telegram.password_invalid` and the attempt stays. An unknown,
 * expired or finished login is `telegram.qr_login_expired`.
 */
export async function pollQrLogin(
  ctx: TelegramSession.TelegramContext,
  ref: QrLoginRef,
  input: { password?: string } = {},
): Promise<QrLoginState> {
  const attempt = await loadQrAttempt(ctx, ref);
  let outcome: SignedIn | QrLoginState;
  try {
    outcome = await advance(ctx, attempt, ref, input.password);
  } catch (err) {
    if (toTelegramError(err).problem.kind === "code_expired") {
      await consumeQrAttempt(ctx, ref);
      throw new QrLoginExpiredError(ref.loginId);
    }
    throw TelegramSession.toApiError(err);
  }
  if ("status" in outcome) return outcome;
  const session = await TelegramSession.createFromLogin(ctx, {
    tenantId: ref.tenantId,
    sessionString: outcome.sessionString,
    apiId: attempt.apiId,
    apiHash: attempt.apiHash,
    accountId: outcome.user.id,
    phoneNumber: outcome.user.phone ? `+${outcome.user.phone}` : null,
  });
  await consumeQrAttempt(ctx, ref);
  return { status: "signed_in", session };
}

/** The login as it stands, without asking Telegram: the QR last exported, or the password wait. */
export async function currentQrLogin(
  ctx: TelegramSession.TelegramContext,
  ref: QrLoginRef,
): Promise<Exclude<QrLoginState, { status: "signed_in" }>> {
  const attempt = await loadQrAttempt(ctx, ref);
  return attempt.stage === "qr" ? pendingState(attempt) : passwordState(attempt);
}

// --- Internal helpers ---

/** Export again (stage qr), then the password if one is due and given: a login, or the new state. */
async function advance(
  ctx: TelegramSession.TelegramContext,
  attempt: QrLoginAttempt,
  ref: QrLoginRef,
  password: string | undefined,
): Promise<SignedIn | QrLoginState> {
  let current = attempt;
  if (current.stage === "qr") {
    const step = await runStep(ctx, current, current.sessionString);
    if (step.status === "signed_in") return step.signed;
    // Saved before any password is tried: the session may have moved DC, and the token is used up.
    current = await updateQrAttempt(ctx, current, ref, stepUpdate(step));
    if (step.status === "pending") return pendingState(current);
  }
  if (password === undefined) return passwordState(current);
  return runPasswordStep(ctx, current, password);
}

async function runStep(
  ctx: TelegramSession.TelegramContext,
  creds: TelegramSession.ApiCredentials,
  sessionString: string,
): Promise<QrLoginStep> {
  // GramJS is loaded on first use only (see `connectOptions`).
  const { exportQrToken } = await import("./qr-login.js");
  // Its failures are TelegramErrors already; a config error must stay one (toApiError keeps it).
  return exportQrToken(await TelegramSession.connectOptions(ctx.config.telegram, creds), sessionString);
}

/** After Telegram asked for the password, only the SRP step is left, as in the code login. */
async function runPasswordStep(
  ctx: TelegramSession.TelegramContext,
  attempt: QrLoginAttempt,
  password: string,
): Promise<SignedIn> {
  const { checkLoginPassword } = await import("./login.js");
  const options = await TelegramSession.connectOptions(ctx.config.telegram, attempt);
  return checkLoginPassword(options, { sessionString: attempt.sessionString, password });
}

function stepUpdate(step: Exclude<QrLoginStep, { status: "signed_in" }>) {
  if (step.status === "pending") {
    return {
      stage: "qr" as const,
      hint: null,
      sessionString: step.sessionString,
      token: step.token,
      tokenExpiresAt: step.tokenExpiresAt,
    };
  }
  return {
    stage: "password" as const,
    hint: step.hint,
    sessionString: step.sessionString,
    // Scanned: the token is used up and there is no QR to show any more.
    token: Buffer.alloc(0),
    tokenExpiresAt: 0,
  };
}

function pendingState(attempt: QrLoginAttempt): Extract<QrLoginState, { status: "qr_pending" }> {
  return {
    status: "qr_pending",
    loginId: attempt.loginId,
    qr: `tg://login?token=${attempt.token.toString("base64url")}`,
    qrExpiresAt: attempt.tokenExpiresAt,
    expiresAt: attempt.expiresAt,
  };
}

function passwordState(attempt: QrLoginAttempt): Extract<QrLoginState, { status: "password_required" }> {
  return {
    status: "password_required",
    loginId: attempt.loginId,
    hint: attempt.hint,
    expiresAt: attempt.expiresAt,
  };
}
