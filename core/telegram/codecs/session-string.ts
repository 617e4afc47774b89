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

const TELETHON_IPV4_BODY_CHARS = 352;
const PYROGRAM_CHARS = new Set([351, 356, 362]);

/**
 * Tells GramJS, Telethon and Pyrogram strings apart and parses them.
 *
 * - `"1"` prefix: GramJS or Telethon. The base64 alphabet decides when it shows (`+/`
 *   GramJS, `-_` Telethon). Otherwise a 352-char body is Telethon IPv4 (GramJS itself
 *   decides so), and anything else is GramJS when its header holds an address length in
 *   1..100 (which the packed IP of a real Telegram address never starts with), else
 *   Telethon. A 14-char-address GramJS string has the Telethon IPv6 length; this is
 *   what keeps it GramJS.
 * - Another leading digit is `bad_prefix`.
 * - Pyrogram strings have no prefix; DC ids 1..5 make them start with `A` or `B`.
 *   Those, and strings of a Pyrogram length, are read as Pyrogram.
 * - Anything else is `unknown_format`.
 */
export function parseSessionString(text: string): ParsedSessionString {
  if (text.startsWith("1")) return parsePrefixed(text);
  if (/^\d/.test(text)) {
    throw new TelegramSessionError(
      "telegram.session.bad_prefix",
      "GramJS and Telethon strings start with version '1' (Pyrogram strings with a letter)",
    );
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

// --- Internal helpers ---

function parsePrefixed(text: string): ParsedSessionString {
  const body = text.slice(1);
  const urlSafe = /[-_]/.test(body);
  const standard = /[+/]/.test(body);
  if (urlSafe !== standard) {
    return urlSafe
      ? { format: "telethon", session: parseTelethonString(text) }
      : { format: "gramjs", session: parseGramjsString(text) };
  }
  if (body.length === TELETHON_IPV4_BODY_CHARS)
    return { format: "telethon", session: parseTelethonString(text) };
  try {
    return { format: "gramjs", session: parseGramjsString(text) };
  } catch (error) {
    // An address length outside 1..100 means the header is not GramJS's: read it as
    // Telethon, whose own length check then names what is wrong.
    const notGramjs = error instanceof TelegramSessionError && error.code === "telegram.session.bad_address";
    if (!notGramjs || urlSafe) throw error;
    return { format: "telethon", session: parseTelethonString(text) };
  }
}
