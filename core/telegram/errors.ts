import { SessionvaultError } from "../error.js";

/**
 * What went wrong talking to Telegram, in the terms the app acts on:
 * - `dead`: the session's auth key no longer works (log in again). Only ever from an explicit RPC error.
 * - `password_needed`: the code was right, the account has 2FA; `hint` is the account's password hint.
 * - `code_invalid` / `code_expired`: ask for the code again / request a new code.
 * - `password_invalid`: wrong 2FA password.
 * - `flood`: Telegram asks us to wait `retryAfter` seconds (null when it gave no number).
 * - `phone_invalid`: the number is malformed, banned or has no account.
 * - `rejected`: any other RPC error Telegram answered with (a bug or misconfiguration on our side).
 * - `transient`: network failure, timeout, Telegram-side 5xx: try again later. Never means dead.
 */
export type TelegramProblem =
  | { kind: "dead"; errorMessage: string }
  | { kind: "password_needed"; hint: string | undefined }
  | { kind: "code_invalid" }
  | { kind: "code_expired" }
  | { kind: "password_invalid" }
  | { kind: "flood"; retryAfter: number | null }
  | { kind: "phone_invalid"; errorMessage: string }
  | { kind: "rejected"; errorMessage: string }
  | { kind: "transient"; reason: string };

/** A Telegram failure as a domain error; `problem` says what to do about it, `cause` keeps GramJS's error. */
export class TelegramError extends SessionvaultError {
  readonly problem: TelegramProblem;

  constructor(problem: TelegramProblem, options: { cause?: unknown; message?: string } = {}) {
    const { code, status, message } = PROBLEMS[problem.kind];
    super(code, options.message ?? message, {
      status,
      details: publicDetails(problem),
      cause: options.cause,
    });
    this.name = "TelegramError";
    this.problem = problem;
  }
}

/** A Telegram setting (env or options) is malformed or unsafe. Names the setting. */
export class TelegramConfigError extends SessionvaultError {
  constructor(setting: string, reason: string) {
    super("telegram.config_invalid", `${setting}: ${reason}`, { status: 500, details: { setting } });
    this.name = "TelegramConfigError";
  }
}

/**
 * Classifies anything GramJS (or our wrapper) threw. RPC errors are matched on `errorMessage` and `code`
 * (GramJS turns dead-key answers into a plain `RPCError` with code 401, not a subclass); anything that
 * is not an RPC error (connect() false, timeouts, closed sockets) is `transient`, never `dead`.
 */
export function classifyTelegramError(err: unknown): TelegramProblem {
  if (err instanceof TelegramError) return err.problem;
  const rpc = asRpcError(err);
  if (!rpc) return { kind: "transient", reason: err instanceof Error ? err.message : String(err) };
  const { code, errorMessage } = rpc;
  if (code === 420 || /^FLOOD_(?:PREMIUM_|TEST_PHONE_)?WAIT_\d+$/.test(errorMessage)) {
    return { kind: "flood", retryAfter: floodSeconds(err, errorMessage) };
  }
  if (errorMessage === "PHONE_NUMBER_FLOOD") return { kind: "flood", retryAfter: null };
  if (DEAD.has(errorMessage)) return { kind: "dead", errorMessage };
  if (errorMessage === "SESSION_PASSWORD_NEEDED") return { kind: "password_needed", hint: undefined };
  if (errorMessage === "PHONE_CODE_INVALID" || errorMessage === "PHONE_CODE_EMPTY")
    return { kind: "code_invalid" };
  if (CODE_EXPIRED.has(errorMessage)) return { kind: "code_expired" };
  if (errorMessage === "PASSWORD_HASH_INVALID") return { kind: "password_invalid" };
  if (PHONE_INVALID.has(errorMessage)) return { kind: "phone_invalid", errorMessage };
  if (TRANSIENT.has(errorMessage) || (code !== undefined && (code >= 500 || code < 0))) {
    return { kind: "transient", reason: errorMessage };
  }
  return { kind: "rejected", errorMessage };
}

/** `err` as a `TelegramError` (unchanged if it already is one). */
export function toTelegramError(err: unknown): TelegramError {
  return err instanceof TelegramError ? err : new TelegramError(classifyTelegramError(err), { cause: err });
}

// --- Internal helpers ---

/** Dead keys (401) and AUTH_KEY_DUPLICATED (406: used from two IPs at once, dead for good). */
const DEAD = new Set([
  "AUTH_KEY_UNREGISTERED",
  "AUTH_KEY_INVALID",
  "AUTH_KEY_PERM_EMPTY",
  "AUTH_KEY_DUPLICATED",
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
  "USER_DEACTIVATED",
  "USER_DEACTIVATED_BAN",
]);

/**
 * AUTH_RESTART: the login state on this key is gone, so the flow starts over with a new code. The
 * AUTH_TOKEN_* answers are QR login's: its token is gone, so it starts over with a new QR.
 */
const CODE_EXPIRED = new Set([
  "PHONE_CODE_EXPIRED",
  "PHONE_CODE_HASH_EMPTY",
  "AUTH_RESTART",
  "AUTH_TOKEN_EXPIRED",
  "AUTH_TOKEN_INVALID",
  "AUTH_TOKEN_ALREADY_ACCEPTED",
  "AUTH_TOKEN_EXCEPTION",
]);

const PHONE_INVALID = new Set([
  "PHONE_NUMBER_INVALID",
  "PHONE_NUMBER_BANNED",
  "PHONE_NUMBER_UNOCCUPIED",
  "PHONE_NUMBER_SIGN_UP_REQUIRED",
]);

/** Telegram-side hiccups; SRP_ID_INVALID means the SRP round went stale and only needs a retry. */
const TRANSIENT = new Set([
  "TIMEOUT",
  "RPC_CALL_FAIL",
  "RPC_MCGET_FAIL",
  "SRP_ID_INVALID",
  "SRP_PASSWORD_CHANGED",
]);

const PROBLEMS: Record<TelegramProblem["kind"], { code: string; status: number; message: string }> = {
  dead: { code: "telegram.session_dead", status: 410, message: "the Telegram session is no longer valid" },
  password_needed: {
    code: "telegram.password_needed",
    status: 401,
    message: "the account has 2FA: a password is needed",
  },
  code_invalid: { code: "telegram.code_invalid", status: 400, message: "the login code is wrong" },
  code_expired: {
    code: "telegram.code_expired",
    status: 400,
    message: "the login code has expired; request a new one",
  },
  password_invalid: { code: "telegram.password_invalid", status: 400, message: "the 2FA password is wrong" },
  flood: { code: "telegram.flood_wait", status: 429, message: "Telegram asks to wait before trying again" },
  phone_invalid: {
    code: "telegram.phone_invalid",
    status: 400,
    message: "Telegram does not accept this phone number",
  },
  rejected: { code: "telegram.rejected", status: 502, message: "Telegram rejected the request" },
  transient: {
    code: "telegram.unavailable",
    status: 503,
    message: "Telegram could not be reached; try again later",
  },
};

/** Only fields safe to show a caller: never the GramJS message, which names requests and internals. */
function publicDetails(problem: TelegramProblem): Record<string, unknown> {
  switch (problem.kind) {
    case "flood":
      return { retryAfter: problem.retryAfter };
    case "password_needed":
      return problem.hint === undefined ? {} : { hint: problem.hint };
    case "dead":
    case "phone_invalid":
    case "rejected":
      return { telegramError: problem.errorMessage };
    default:
      return {};
  }
}

function asRpcError(err: unknown): { code: number | undefined; errorMessage: string } | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const { errorMessage, code } = err as { errorMessage?: unknown; code?: unknown };
  if (typeof errorMessage !== "string") return undefined;
  return { errorMessage, code: typeof code === "number" ? code : undefined };
}

function floodSeconds(err: unknown, errorMessage: string): number | null {
  const seconds = (err as { seconds?: unknown }).seconds;
  if (typeof seconds === "number" && Number.isFinite(seconds)) return seconds;
  const match = /_(\d+)$/.exec(errorMessage);
  return match?.[1] ? Number(match[1]) : null;
}

/** A session string that GramJS cannot use (malformed, truncated key, no address). Never logs the string. */
export class TelegramSessionInvalidError extends SessionvaultError {
  constructor(reason: string, cause?: unknown) {
    super("telegram.session_invalid", `the Telegram session string is invalid: ${reason}`, {
      status: 400,
      cause,
    });
    this.name = "TelegramSessionInvalidError";
  }
}
