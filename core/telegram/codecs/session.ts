import { MAX_DC_ID, MIN_DC_ID } from "./dc-addresses.js";
import { TelegramSessionError } from "./errors.js";

/**
 * One Telegram login, whatever format it came from.
 *
 * `authKey` is always exactly 256 bytes here. GramJS derives keys with a minimal-length
 * big-endian encoding (`getByteArray(gab)`), so about 1 key in 256 has a leading zero
 * byte dropped and is 255 bytes long. Formats with a variable-length key (GramJS strings,
 * SQLite BLOBs) may carry that form; `normalizeSession` left-pads it with the missing
 * zero byte, which is the same 2048-bit integer in MTProto's canonical 256-byte form (the
 * one the server hashes for `auth_key_id`). Fixed-layout formats (Telethon and Pyrogram
 * strings, `256s`) cannot carry a 255-byte key, so there it is a length error.
 */
export interface TelegramSessionData {
  dcId: number;
  address: string;
  port: number;
  authKey: Uint8Array;
  apiId?: number;
  apiHash?: string;
  /** Decimal string: Pyrogram stores a u64, which does not fit a JS number. */
  userId?: string;
  isBot?: boolean;
  testMode?: boolean;
  phoneNumber?: string;
  accountId?: string;
}

/** Every format `detectAndParse` can report. */
export type SessionFormat =
  | "gramjs"
  | "telethon"
  | "telethon-sqlite"
  | "pyrogram"
  | "pyrogram-sqlite"
  | "descriptor"
  | "opentele";

/** Formats `serialize` can write. */
export type ExportFormat = "gramjs" | "telethon" | "pyrogram";

export const AUTH_KEY_BYTES = 256;
/** GramJS-minimal keys: a 256-byte key whose leading zero byte was dropped. */
export const MINIMAL_AUTH_KEY_BYTES = 255;

/**
 * Validates the fields every format shares and returns a copy with a canonical
 * 256-byte key. `allowMinimalKey` is true only for formats whose key length is not
 * fixed by the layout. Throws `TelegramSessionError` naming the bad field.
 */
export function normalizeSession(
  session: TelegramSessionData,
  format: SessionFormat,
  allowMinimalKey: boolean,
): TelegramSessionData {
  const { dcId, port, address } = session;
  if (!Number.isInteger(dcId) || dcId < MIN_DC_ID || dcId > MAX_DC_ID) {
    throw new TelegramSessionError(
      "telegram.session.bad_dc_id",
      `dc id ${String(dcId)} is outside ${MIN_DC_ID}..${MAX_DC_ID}`,
      format,
    );
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TelegramSessionError(
      "telegram.session.bad_port",
      `port ${String(port)} is outside 1..65535`,
      format,
    );
  }
  if (!isPlausibleHost(address)) {
    throw new TelegramSessionError(
      "telegram.session.bad_address",
      `server address is not an IP address or host name (${address.length} chars)`,
      format,
    );
  }
  checkOptionalFields(session, format);
  return { ...session, authKey: normalizeAuthKey(session.authKey, format, allowMinimalKey) };
}

/** Throws unless `key` is a usable auth key; returns it in 256-byte form. */
export function normalizeAuthKey(
  key: Uint8Array,
  format: SessionFormat,
  allowMinimalKey: boolean,
): Uint8Array {
  if (key.length === 0 || key.every((b) => b === 0)) {
    throw new TelegramSessionError(
      "telegram.session.empty_auth_key",
      "auth key is empty: the session was never logged in",
      format,
    );
  }
  if (key.length === AUTH_KEY_BYTES) return Uint8Array.from(key);
  if (allowMinimalKey && key.length === MINIMAL_AUTH_KEY_BYTES && key[0] !== 0) {
    const padded = new Uint8Array(AUTH_KEY_BYTES);
    padded.set(key, 1);
    return padded;
  }
  const accepted = allowMinimalKey ? `${AUTH_KEY_BYTES} (or ${MINIMAL_AUTH_KEY_BYTES})` : `${AUTH_KEY_BYTES}`;
  throw new TelegramSessionError(
    "telegram.session.bad_key_length",
    `auth key is ${key.length} bytes, expected ${accepted}`,
    format,
  );
}

/**
 * Adds metadata from a JSON file to a parsed session. A field both sides carry must
 * agree (`bad_field` otherwise): a descriptor that names another api_id than its own
 * Pyrogram string is more likely a mix-up than an override.
 */
export function mergeMetadata(
  session: TelegramSessionData,
  metadata: Partial<TelegramSessionData>,
  format: SessionFormat,
): TelegramSessionData {
  const merged: TelegramSessionData = { ...session };
  for (const [field, value] of Object.entries(metadata) as [keyof TelegramSessionData, unknown][]) {
    if (value === undefined) continue;
    const current = merged[field];
    if (current !== undefined && current !== value) {
      throw new TelegramSessionError(
        "telegram.session.bad_field",
        `${field} in the JSON file disagrees with the session it describes`,
        format,
      );
    }
    Object.assign(merged, { [field]: value });
  }
  return normalizeSession(merged, format, false);
}

// --- Internal helpers ---

/** Shapes of the optional fields; a failing field is named, its value never echoed. */
const OPTIONAL_FIELD_RULES: ReadonlyArray<[keyof TelegramSessionData, (value: unknown) => boolean, string]> =
  [
    [
      "apiId",
      (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 2 ** 31 - 1,
      "an int32 > 0",
    ],
    ["apiHash", (v) => typeof v === "string" && /^[0-9a-f]{32}$/i.test(v), "32 hex characters"],
    ["userId", (v) => typeof v === "string" && /^[1-9]\d{0,19}$/.test(v), "a positive decimal integer"],
    ["accountId", (v) => typeof v === "string" && /^[1-9]\d{0,19}$/.test(v), "a positive decimal integer"],
    [
      "phoneNumber",
      (v) => typeof v === "string" && /^\+?[1-9]\d{4,15}$/.test(v),
      "digits with an optional '+'",
    ],
    ["isBot", (v) => typeof v === "boolean", "a boolean"],
    ["testMode", (v) => typeof v === "boolean", "a boolean"],
  ];

function checkOptionalFields(session: TelegramSessionData, format: SessionFormat): void {
  for (const [field, isValid, expected] of OPTIONAL_FIELD_RULES) {
    const value = session[field];
    if (value !== undefined && !isValid(value)) {
      throw new TelegramSessionError("telegram.session.bad_field", `${field} must be ${expected}`, format);
    }
  }
}

/** IPv4, IPv6 or a DNS name; printable ASCII only, never longer than a DNS name. */
function isPlausibleHost(address: string): boolean {
  return address.length > 0 && address.length <= 253 && /^[A-Za-z0-9.:\-[\]%]+$/.test(address);
}
