import { decodeBase64, encodeBase64 } from "./base64.js";
import { TelegramSessionError } from "./errors.js";
import { packIp, unpackIp } from "./ip-address.js";
import { AUTH_KEY_BYTES, normalizeSession, type TelegramSessionData } from "./session.js";

/**
 * Telethon `StringSession`: `"1"` + url-safe base64 **with** padding of `>B4sH256s`
 * (IPv4, 352-char body) or `>B16sH256s` (IPv6, 368-char body). Telethon picks the
 * layout by body length alone, so these two lengths are the only valid ones, and the
 * fixed `256s` field cannot carry a 255-byte key.
 */

const FORMAT = "telethon";
const IPV4_BODY_CHARS = 352;
const IPV6_BODY_CHARS = 368;

/** Parses a Telethon string; throws `TelegramSessionError` for anything but an exact layout. */
export function parseTelethonString(text: string): TelegramSessionData {
  if (!text.startsWith("1")) {
    throw new TelegramSessionError(
      "telegram.session.bad_prefix",
      "Telethon strings start with version '1'",
      FORMAT,
    );
  }
  const body = text.slice(1);
  if (body.length !== IPV4_BODY_CHARS && body.length !== IPV6_BODY_CHARS) {
    throw new TelegramSessionError(
      body.length < IPV4_BODY_CHARS ? "telegram.session.truncated" : "telegram.session.bad_length",
      `Telethon string body is ${body.length} chars, expected ${IPV4_BODY_CHARS} (IPv4) or ${IPV6_BODY_CHARS} (IPv6)`,
      FORMAT,
    );
  }
  const bytes = decodeBase64(body, "url", "required", FORMAT);
  const ipLength = body.length === IPV4_BODY_CHARS ? 4 : 16;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const session: TelegramSessionData = {
    dcId: view.getUint8(0),
    address: unpackIp(bytes.subarray(1, 1 + ipLength)),
    port: view.getUint16(1 + ipLength),
    authKey: bytes.subarray(3 + ipLength, 3 + ipLength + AUTH_KEY_BYTES),
  };
  return normalizeSession(session, FORMAT, false);
}

/**
 * Writes the Telethon layout. The address must be an IPv4 or IPv6 literal (Telethon packs
 * it); a host name is `not_exportable`.
 */
export function serializeTelethonString(session: TelegramSessionData): string {
  const ip = packIp(session.address);
  if (ip === null) {
    throw new TelegramSessionError(
      "telegram.session.not_exportable",
      "cannot write a Telethon string: the server address is not an IP literal",
      FORMAT,
    );
  }
  const out = Buffer.alloc(1 + ip.length + 2 + AUTH_KEY_BYTES);
  out.writeUInt8(session.dcId, 0);
  out.set(ip, 1);
  out.writeUInt16BE(session.port, 1 + ip.length);
  out.set(session.authKey, 3 + ip.length);
  return `1${encodeBase64(out, "url", true)}`;
}
