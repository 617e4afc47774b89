import { TelegramSessionError } from "./errors.js";

/** `standard` = RFC 4648 §4 (`+/`, GramJS); `url` = §5 (`-_`, Telethon and Pyrogram). */
export type Base64Alphabet = "standard" | "url";
/** `required`: length a multiple of 4 with `=`; `forbidden`: none; `optional`: either, but correct. */
export type Base64Padding = "required" | "forbidden" | "optional";

/**
 * Strict base64 decoding. Node's `Buffer.from(x, "base64")` silently skips foreign
 * characters and mixes both alphabets, which is how a mangled string turns into a
 * short, wrong key; here any character outside the format's alphabet, misplaced or
 * missing padding, or non-zero trailing bits (a non-canonical encoding) is an error.
 */
export function decodeBase64(
  text: string,
  alphabet: Base64Alphabet,
  padding: Base64Padding,
  format: string,
): Uint8Array {
  const body = text.replace(/={1,2}$/, "");
  const padded = body.length !== text.length;
  const charset = alphabet === "standard" ? /^[A-Za-z0-9+/]*$/ : /^[A-Za-z0-9_-]*$/;
  if (!charset.test(body)) {
    const other = alphabet === "standard" ? /[-_]/ : /[+/]/;
    const why = other.test(body)
      ? `characters of the other base64 alphabet (expected ${alphabet === "standard" ? "+/" : "-_"})`
      : "characters outside the base64 alphabet";
    throw bad(`session body contains ${why}`, format);
  }
  if (body.length % 4 === 1) throw bad("session body length is not a possible base64 length", format);
  if (padding === "forbidden" && padded) throw bad("session body must not carry '=' padding", format);
  if (padded && text.length % 4 !== 0) throw bad("session body has wrong '=' padding", format);
  if (padding === "required" && !padded && body.length % 4 !== 0) {
    throw bad("session body is missing its '=' padding", format);
  }
  const bytes = Buffer.from(body, alphabet === "standard" ? "base64" : "base64url");
  if (bytes.toString(alphabet === "standard" ? "base64" : "base64url").replace(/=+$/, "") !== body) {
    throw bad("session body is not canonical base64 (stray trailing bits)", format);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes `bytes`; `pad` keeps the trailing `=`. */
export function encodeBase64(bytes: Uint8Array, alphabet: Base64Alphabet, pad: boolean): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (alphabet === "standard") {
    const text = buffer.toString("base64");
    return pad ? text : text.replace(/=+$/, "");
  }
  const text = buffer.toString("base64url");
  return pad ? text.padEnd(Math.ceil(text.length / 4) * 4, "=") : text;
}

// --- Internal helpers ---

function bad(message: string, format: string): TelegramSessionError {
  return new TelegramSessionError("telegram.session.bad_base64", message, format);
}
