import { SessionvaultError } from "../../error.js";
import { TelegramError, toTelegramError } from "../errors.js";
import type { TelegramConnectOptions } from "../gramjs-client.js";
import { ApiCredentialsMissingError } from "./errors.js";
import type { TelegramSettings } from "./schema.js";

/** api_id + api_hash, the pair every Telegram connection is made with. */
export interface ApiCredentials {
  apiId: number;
  apiHash: string;
}

/**
 * The first api_id and api_hash found in `sources` (in order, e.g. request, imported session,
 * config). Throws `ApiCredentialsMissingError` (422) naming what is missing.
 */
export function resolveCredentials(...sources: (Partial<ApiCredentials> | undefined)[]): ApiCredentials {
  const apiId = sources.find((s) => s?.apiId !== undefined)?.apiId;
  const apiHash = sources.find((s) => s?.apiHash !== undefined)?.apiHash;
  if (apiId === undefined || apiHash === undefined) {
    const missing = [apiId === undefined ? "apiId" : null, apiHash === undefined ? "apiHash" : null];
    throw new ApiCredentialsMissingError(missing.filter((m): m is string => m !== null));
  }
  return { apiId, apiHash };
}

/**
 * Options for `createTelegramClient` / the login helpers. The local-peer settings are checked here.
 * GramJS is loaded only now, on first use: it is most of the API bundle and most routes never
 * touch it (the bundle splits it into its own chunk).
 */
export async function connectOptions(
  settings: TelegramSettings | undefined,
  creds: ApiCredentials,
): Promise<TelegramConnectOptions> {
  const { resolveTelegramTestOverrides } = await import("../gramjs-client.js");
  const overrides = resolveTelegramTestOverrides({
    TELEGRAM_DC_OVERRIDE: settings?.dcOverride,
    TELEGRAM_TRUST_RSA_KEY: settings?.trustRsaKey,
  });
  return {
    ...creds,
    ...(overrides.dcOverride ? { dcOverride: overrides.dcOverride } : {}),
    ...(overrides.trustRsaKey ? { trustRsaKey: overrides.trustRsaKey } : {}),
    ...(settings?.connectionRetries ? { connectionRetries: settings.connectionRetries } : {}),
    ...(settings?.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
  };
}

/**
 * Turns a Telegram failure into what the API promises its callers. Two problems are renamed:
 * a 2FA account without a password is `telegram.password_required` (422, with `hint`), and an
 * unreachable Telegram (network, timeout, Telegram 5xx) is `telegram.unreachable` (503, never a
 * 500). Other `TelegramError`s keep their codes (`telegram.code_invalid`, `telegram.flood_wait`
 * with `retryAfter`, …); any other `SessionvaultError` passes unchanged.
 */
export function toApiError(err: unknown): SessionvaultError {
  if (err instanceof SessionvaultError && !(err instanceof TelegramError)) return err;
  const e = toTelegramError(err);
  const { problem } = e;
  if (problem.kind === "password_needed") {
    return new SessionvaultError(
      "telegram.password_required",
      "the account has two-step verification: send the password with the code",
      { status: 422, details: { hint: problem.hint ?? null }, cause: e },
    );
  }
  if (problem.kind === "transient") {
    return new SessionvaultError("telegram.unreachable", "Telegram could not be reached; try again later", {
      status: 503,
      cause: e,
    });
  }
  return e;
}
