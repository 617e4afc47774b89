import { NotFoundError, SessionvaultError } from "../../error.js";

/** No Telegram session with this id in this tenant (another tenant's id looks exactly the same). */
export class SessionNotFoundError extends NotFoundError {
  constructor(sessionId: string) {
    super("telegram session", sessionId, "telegram.session_not_found");
    this.name = "SessionNotFoundError";
  }
}

/**
 * Someone holds the session's lease. Connecting now would put a second client on the same auth key,
 * which Telegram punishes with AUTH_KEY_DUPLICATED (the key is dead for good).
 */
export class SessionLeasedError extends SessionvaultError {
  constructor(sessionId: string, expiresAt: number) {
    super("telegram.session_leased", `telegram session '${sessionId}' is leased by another consumer`, {
      status: 409,
      details: { sessionId, leaseExpiresAt: new Date(expiresAt).toISOString() },
    });
    this.name = "SessionLeasedError";
  }
}

/** A release (or leased export) named a lease the session does not hold. */
export class LeaseNotHeldError extends SessionvaultError {
  constructor(sessionId: string) {
    super("telegram.lease_not_held", `telegram session '${sessionId}' holds no lease with this id`, {
      status: 409,
      details: { sessionId },
    });
    this.name = "LeaseNotHeldError";
  }
}

/** Neither the request, the imported session nor the config gives an api_id / api_hash. */
export class ApiCredentialsMissingError extends SessionvaultError {
  constructor(missing: string[]) {
    super(
      "telegram.api_credentials_required",
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} needed: send them or configure TELEGRAM_API_ID / TELEGRAM_API_HASH`,
      { status: 422, details: { missing } },
    );
    this.name = "ApiCredentialsMissingError";
  }
}
