import { SessionvaultError } from "../../error.js";

/**
 * Stable codes for every way a Telegram session input can be malformed or unexportable.
 * Callers (routes, CLI) branch on these; they never change meaning once shipped.
 */
export type TelegramSessionErrorCode =
  | "telegram.session.too_large"
  | "telegram.session.unknown_format"
  | "telegram.session.bad_prefix"
  | "telegram.session.bad_base64"
  | "telegram.session.truncated"
  | "telegram.session.bad_length"
  | "telegram.session.bad_key_length"
  | "telegram.session.empty_auth_key"
  | "telegram.session.bad_dc_id"
  | "telegram.session.bad_port"
  | "telegram.session.bad_address"
  | "telegram.session.not_sqlite"
  | "telegram.session.corrupt_sqlite"
  | "telegram.session.unknown_sqlite_schema"
  | "telegram.session.no_session"
  | "telegram.session.multiple_sessions"
  | "telegram.session.bad_json"
  | "telegram.session.unknown_json_shape"
  | "telegram.session.bad_field"
  | "telegram.session.sidecar_without_session"
  | "telegram.session.not_exportable";

/**
 * A session input that cannot be parsed, or a session that cannot be written in the
 * requested format. `status` is 400 only for `too_large` (the request itself is
 * unacceptable); everything else is 422 (well-formed request, unusable content).
 *
 * Messages name the field, the expected and the observed size or kind. They never
 * contain key bytes, session strings, api hashes or phone numbers.
 */
export class TelegramSessionError extends SessionvaultError {
  declare readonly code: TelegramSessionErrorCode;
  /** The format being parsed or written when the error arose, if one was chosen. */
  readonly format: string | undefined;

  constructor(code: TelegramSessionErrorCode, message: string, format?: string, cause?: unknown) {
    super(code, message, {
      status: code === "telegram.session.too_large" ? 400 : 422,
      details: format === undefined ? {} : { format },
      cause,
    });
    this.name = "TelegramSessionError";
    this.format = format;
  }
}
