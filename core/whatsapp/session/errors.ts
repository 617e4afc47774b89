import { NotFoundError, SessionvaultError } from "../../error.js";

/** No WhatsApp session with this id in this tenant. */
export class SessionNotFoundError extends NotFoundError {
  constructor(sessionId: string) {
    super("whatsapp session", sessionId, "whatsapp.session_not_found");
    this.name = "SessionNotFoundError";
  }
}

/** `create` with a caller-chosen id that is already taken in the tenant. */
export class SessionExistsError extends SessionvaultError {
  constructor(sessionId: string) {
    super("whatsapp.session_exists", `whatsapp session '${sessionId}' already exists`, {
      status: 409,
      details: { sessionId },
    });
    this.name = "SessionExistsError";
  }
}

/**
 * The caller no longer holds the session's lease (another connector took it over, or it was
 * released): it must stop the session and write nothing more.
 */
export class LeaseLostError extends SessionvaultError {
  constructor(sessionId: string, epoch: number, cause?: unknown) {
    super(
      "whatsapp.lease_lost",
      `lease epoch ${epoch} of whatsapp session '${sessionId}' is no longer held`,
      {
        status: 409,
        details: { sessionId, epoch },
        cause,
      },
    );
    this.name = "LeaseLostError";
  }
}
