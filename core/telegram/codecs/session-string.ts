import { TelegramSessionError } from "./errors.js";
import { parseGramjsString } from "./gramjs-string.js";
import { parsePyrogramString } from "./pyrogram-string.js";
import type { TelegramSessionData } from "./session.js";
import { parseTelethonString } from "./telethon-string.js";

/** A session string and the format it was read as. */
export interface ParsedSessionString {
  format: "gramjs" | "telethon" | "pyrogram";
  session: TelegramSessionData;
}

const TELETHON_BODY_CHARS = new Set([352, 368]);
const PYROGRAM_CHARS = new Set([351, 356, 362]);

/**
 * Tells GramJS, Telethon and Pyrogram strings apart and parses them.
 *
 * - `"1"` prefix: GramJS or Telethon. A 352-char body is Telethon IPv4 (GramJS itself
 *   decides so). A 368-char body is Telethon IPv6 unless it reads as a GramJS layout,
 *   whose address length (1..100) cannot be the first two bytes of a real Telegram
 *   IPv6 address. Url-safe characters (`-_`) at those lengths also mean Telethon.
 *   Everything else is read as GramJS and fails there with a precise code.
 * - Pyrogram strings have no prefix; DC ids 1..5 make them start with `A` or `B`.
 *   Those, and strings of a Pyrogram length, are read as Pyrogram.
 * - Anything else is `unknown_format`.
 */
export function parseSessionString(text: string): ParsedSessionString {
  if (text.startsWith("1")) {
    const body = text.slice(1);
    if (TELETHON_BODY_CHARS.has(body.length)) {
      if (body.length === 352 || /[-_]/.test(body)) {
        return { format: "telethon", session: parseTelethonString(text) };
      }
      try {
        return { format: "gramjs", session: parseGramjsString(text) };
      } catch (error) {
        if (!(error instanceof TelegramSessionError) || error.code !== "telegram.session.bad_address")
          throw error;
        return { format: "telethon", session: parseTelethonString(text) };
      }
    }
    return { format: "gramjs", session: parseGramjsString(text) };
  }
  const unpadded = text.replace(/={1,2}$/, "");
  if (/^[A-Za-z0-9_\-+/]+$/.test(unpadded) && (/^[AB]/.test(text) || PYROGRAM_CHARS.has(unpadded.length))) {
    return { format: "pyrogram", session: parsePyrogramString(text) };
  }
  throw new TelegramSessionError(
    "telegram.session.unknown_format",
    "text is not a GramJS, Telethon or Pyrogram session string, nor JSON",
  );
}
