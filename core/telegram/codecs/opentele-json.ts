import {
  definedOnly,
  type JsonSessionSource,
  readDecimal,
  readOptionalString,
  readPhone,
} from "./json-source.js";

/**
 * opentele-style `.json` sidecars, the metadata file that account tools ship next to a
 * Telethon `.session` file: `app_id`, `app_hash`, `device`, `sdk`, `app_version`,
 * `twoFA`, `id`, `phone`, `session_file`, and sometimes an embedded `session_string`.
 *
 * Recognised when `app_id` and `app_hash` are both present. Device and profile fields are
 * ignored; `twoFA` (a cloud password in clear) is deliberately never read or kept.
 */

const FORMAT = "opentele";

/** The sidecar's contents, or `null` when `value` is not a sidecar. Throws `bad_field`. */
export function matchOpenteleSidecar(value: Record<string, unknown>): JsonSessionSource | null {
  if (!("app_id" in value) || !("app_hash" in value)) return null;
  const apiId = readDecimal(value.app_id, "app_id", FORMAT);
  const source: JsonSessionSource = {
    metadata: definedOnly({
      apiId: apiId === undefined ? undefined : Number(apiId),
      apiHash: readOptionalString(value.app_hash, "app_hash", FORMAT),
      userId: readDecimal(value.id, "id", FORMAT),
      phoneNumber: readPhone(value.phone, "phone", FORMAT),
    }),
  };
  const sessionString = readOptionalString(value.session_string, "session_string", FORMAT);
  const sessionFile = readOptionalString(value.session_file, "session_file", FORMAT);
  if (sessionString !== undefined) source.sessionString = sessionString;
  if (sessionFile !== undefined) source.sessionFile = sessionFile;
  return source;
}
