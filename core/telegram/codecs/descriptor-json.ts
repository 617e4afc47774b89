import {
  definedOnly,
  type JsonSessionSource,
  readDecimal,
  readOptionalString,
  readPhone,
} from "./json-source.js";

/**
 * The JSON descriptor of seed 002 (written by a Telethon-based tool):
 * `{account_id, phone_number, session_string, api_id, api_hash}`.
 *
 * Recognised when `session_string` is present and every key is one of those five; ids
 * may be numbers or numeric strings. The embedded string may be in any string format.
 */

const FORMAT = "descriptor";
const KEYS = new Set(["account_id", "phone_number", "session_string", "api_id", "api_hash"]);

/** The descriptor's contents, or `null` when `value` is not a descriptor. Throws `bad_field`. */
export function matchDescriptor(value: Record<string, unknown>): JsonSessionSource | null {
  const keys = Object.keys(value);
  if (!keys.includes("session_string") || !keys.every((k) => KEYS.has(k))) return null;
  const apiId = readDecimal(value.api_id, "api_id", FORMAT);
  const source: JsonSessionSource = {
    metadata: definedOnly({
      accountId: readDecimal(value.account_id, "account_id", FORMAT),
      phoneNumber: readPhone(value.phone_number, "phone_number", FORMAT),
      apiId: apiId === undefined ? undefined : Number(apiId),
      apiHash: readOptionalString(value.api_hash, "api_hash", FORMAT),
    }),
  };
  const sessionString = readOptionalString(value.session_string, "session_string", FORMAT);
  if (sessionString !== undefined) source.sessionString = sessionString;
  return source;
}
