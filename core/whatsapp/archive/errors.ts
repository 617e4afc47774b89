import { SessionvaultError } from "../../error.js";

/** Codes of archives the caller sent that cannot be imported. Every one means nothing was changed. */
export type ArchiveErrorCode =
  | "archive.not_gzip"
  | "archive.invalid"
  | "archive.unsafe_entry"
  | "archive.too_large"
  | "archive.unsupported_format";

const STATUS: Record<ArchiveErrorCode, number> = {
  "archive.not_gzip": 400,
  "archive.invalid": 400,
  "archive.unsafe_entry": 400,
  "archive.too_large": 413,
  "archive.unsupported_format": 415,
};

/**
 * An uploaded auth archive (tar.gz or JSON map) was refused before anything was stored. `details`
 * names the offending entry when there is one; it never carries file contents.
 */
export class ArchiveError extends SessionvaultError {
  constructor(code: ArchiveErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { status: STATUS[code], details });
    this.name = "ArchiveError";
  }
}
