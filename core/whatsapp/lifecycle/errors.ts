import { SessionvaultError } from "../../error.js";
import type { Status } from "../session/index.js";

/**
 * Refusals of the session verbs the API offers. Each carries the session's status so a client
 * can decide what to do next without a second call.
 */

/** The session is connected (its owner holds the lease): stop it first (`disconnect`). */
export class SessionConnectedError extends SessionvaultError {
  constructor(sessionId: string, action: string) {
    super(
      "whatsapp.session_connected",
      `whatsapp session '${sessionId}' is connected; disconnect it before ${action}`,
      {
        status: 409,
        details: { sessionId, status: "connected" },
      },
    );
    this.name = "SessionConnectedError";
  }
}

/** A connector holds the session's lease (it is starting, showing a QR, or reconnecting). */
export class SessionBusyError extends SessionvaultError {
  constructor(sessionId: string, status: Status, action: string) {
    super(
      "whatsapp.session_busy",
      `whatsapp session '${sessionId}' is held by a connector (status '${status}'); disconnect it before ${action}`,
      { status: 409, details: { sessionId, status } },
    );
    this.name = "SessionBusyError";
  }
}

/** There is no current QR code (not published yet, expired, or no longer needed). */
export class NoQrError extends SessionvaultError {
  constructor(sessionId: string, status: Status) {
    super("whatsapp.no_qr", `whatsapp session '${sessionId}' has no current QR code (status '${status}')`, {
      status: 404,
      details: { sessionId, status },
    });
    this.name = "NoQrError";
  }
}

/** There is no pairing code: none was asked for (no phone number) or the connector has not published one. */
export class NoPairingCodeError extends SessionvaultError {
  constructor(sessionId: string, status: Status) {
    super(
      "whatsapp.no_pairing_code",
      `whatsapp session '${sessionId}' has no pairing code (status '${status}')`,
      { status: 404, details: { sessionId, status } },
    );
    this.name = "NoPairingCodeError";
  }
}

/**
 * `reuse` of a session the tenant does not have. A 404 that still answers in seed 000's shape
 * (`reused: false`, `reason`) as problem extension members.
 */
export class ReuseNotFoundError extends SessionvaultError {
  constructor(sessionId: string) {
    super("whatsapp.session_not_found", `whatsapp session '${sessionId}' was not found`, {
      status: 404,
      details: { reused: false, sessionId, reason: "session_not_found" },
    });
    this.name = "ReuseNotFoundError";
  }
}
