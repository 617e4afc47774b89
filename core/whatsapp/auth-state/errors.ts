import { SessionvaultError } from "../../error.js";

/**
 * Errors of the auth state. Missing and corrupt blobs reuse the vault's `BlobMissingError` /
 * `BlobCorruptError`, which name the blob.
 */

/** A newer owner holds the session: this process must stop using it (DESIGN §4, one owner). */
export class AuthStateFencedError extends SessionvaultError {
  constructor(sessionId: string, epoch: number, ownerEpoch: number, cause?: unknown) {
    super(
      "auth_state.fenced",
      `auth state of session '${sessionId}' is owned by epoch ${ownerEpoch}, not ${epoch}`,
      { status: 409, details: { sessionId, epoch, ownerEpoch }, cause },
    );
    this.name = "AuthStateFencedError";
  }
}

/**
 * An earlier write failed (or the state was closed), so memory may hold changes storage does
 * not: every later call fails until the state is reopened. `cause` is the original failure.
 */
export class AuthStateUnusableError extends SessionvaultError {
  constructor(sessionId: string, cause: unknown) {
    super("auth_state.unusable", `auth state of session '${sessionId}' must be reopened`, {
      status: 503,
      details: { sessionId },
      cause,
    });
    this.name = "AuthStateUnusableError";
  }
}

/**
 * Stored state is inconsistent in a way no single blob explains (blobs without a pointer,
 * a snapshot without creds). Never answered by starting fresh.
 */
export class AuthStateInvalidError extends SessionvaultError {
  constructor(sessionId: string, reason: string) {
    super("auth_state.invalid", `auth state of session '${sessionId}' is invalid: ${reason}`, {
      status: 500,
      details: { sessionId, reason },
    });
    this.name = "AuthStateInvalidError";
  }
}

/** An import map or backup request the caller can fix: names the file or generation. */
export class AuthStateInputError extends SessionvaultError {
  constructor(
    code: "auth_state.import_invalid" | "auth_state.backup_not_found",
    message: string,
    details: Record<string, unknown>,
  ) {
    super(code, message, { status: code === "auth_state.backup_not_found" ? 404 : 400, details });
    this.name = "AuthStateInputError";
  }
}
