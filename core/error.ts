/**
 * Every error the domain can raise is a `SessionvaultError` with a stable `code`.
 * The HTTP edge maps `status` + `code` to RFC 9457 problem+json; anything that is not
 * a `SessionvaultError` becomes a 500 with code `internal` and no detail.
 */
export class SessionvaultError extends Error {
  readonly code: string;
  /** HTTP status the edge should use. 4xx = the caller can fix it; 5xx = our problem. */
  readonly status: number;
  /** Extra, non-secret fields safe to show the caller (e.g. `retryAfter`, `blob`). */
  readonly details: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SessionvaultError";
    this.code = code;
    this.status = options.status ?? 400;
    this.details = options.details ?? {};
  }
}

export class NotFoundError extends SessionvaultError {
  constructor(what: string, id: string, code = "not_found") {
    super(code, `${what} '${id}' was not found`, { status: 404 });
    this.name = "NotFoundError";
  }
}

/** A put-if-absent found the key already taken. */
export class AlreadyExistsError extends SessionvaultError {
  constructor(key: string) {
    super("storage.already_exists", `record '${key}' already exists`, { status: 409 });
    this.name = "AlreadyExistsError";
  }
}

/** A conditional update or delete compared against a state that is no longer current. */
export class ConditionFailedError extends SessionvaultError {
  constructor(key: string, detail: string) {
    super("storage.condition_failed", `conditional write on '${key}' failed: ${detail}`, { status: 409 });
    this.name = "ConditionFailedError";
  }
}

/** The backend itself failed (I/O, network, throttling). Never means "absent". */
export class StorageError extends SessionvaultError {
  constructor(message: string, cause?: unknown) {
    super("storage.backend_error", message, { status: 503, cause });
    this.name = "StorageError";
  }
}

/** A blob that should exist does not. Names the blob. */
export class BlobMissingError extends SessionvaultError {
  readonly blob: string;
  constructor(blob: string) {
    super("vault.blob_missing", `blob '${blob}' is missing`, { status: 500, details: { blob } });
    this.name = "BlobMissingError";
    this.blob = blob;
  }
}

/** A blob exists but cannot be authenticated or decoded. Names the blob and why. */
export class BlobCorruptError extends SessionvaultError {
  readonly blob: string;
  readonly reason: "truncated" | "bad_header" | "auth_failed" | "bad_payload";
  constructor(blob: string, reason: BlobCorruptError["reason"], cause?: unknown) {
    super("vault.blob_corrupt", `blob '${blob}' is corrupt (${reason})`, {
      status: 500,
      details: { blob, reason },
      cause,
    });
    this.name = "BlobCorruptError";
    this.blob = blob;
    this.reason = reason;
  }
}
