import { TelegramSessionError } from "./errors.js";
import { serializeGramjsString } from "./gramjs-string.js";
import { serializePyrogramString } from "./pyrogram-string.js";
import { type ExportFormat, normalizeSession, type TelegramSessionData } from "./session.js";
import { serializeTelethonString } from "./telethon-string.js";

/**
 * Writes `session` as a session string in `format`, after the same validation the
 * parsers apply (a 255-byte key is padded to 256 first).
 *
 * Limits, each a `telegram.session.not_exportable` error rather than a string the target
 * library would misread:
 * - `gramjs`: port ≤ 32767 (GramJS stores a signed int16), address ≤ 100 bytes.
 * - `telethon`: the address must be an IPv4/IPv6 literal (it is packed).
 * - `pyrogram`: `userId` must be known; the address and port are not stored at all
 *   (Pyrogram derives them from `dcId` and `testMode`). A missing `apiId` is written as 0.
 */
export function serialize(session: TelegramSessionData, format: ExportFormat): string {
  switch (format) {
    case "gramjs":
      return serializeGramjsString(normalizeSession(session, format, true));
    case "telethon":
      return serializeTelethonString(normalizeSession(session, format, true));
    case "pyrogram":
      return serializePyrogramString(normalizeSession(session, format, true));
    default:
      throw new TelegramSessionError(
        "telegram.session.unknown_format",
        `cannot export to '${String(format).slice(0, 32)}': use gramjs, telethon or pyrogram`,
      );
  }
}
