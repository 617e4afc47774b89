import { decodeBase64, encodeBase64 } from "./base64.js";
import { TelegramSessionError } from "./errors.js";
import {
  AUTH_KEY_BYTES,
  MINIMAL_AUTH_KEY_BYTES,
  normalizeSession,
  type TelegramSessionData,
} from "./session.js";

/**
 * GramJS `StringSession`: `"1"` + standard base64 (padded) of
 * `dcId u8 | addressLength i16 BE | address ASCII | port i16 BE | authKey`.
 *
 * GramJS reads an address length above 100 as a packed 16-byte IPv6 (its Telethon
 * compatibility path), so in this layout the address is 1..100 bytes. The key is "the
 * rest of the buffer", so this is one of the formats that can carry a 255-byte
 * GramJS-minimal key (normalized to 256 bytes, see `TelegramSessionData`).
 */

const FORMAT = "gramjs";
const MAX_ADDRESS_BYTES = 100;
/** GramJS writes and reads the port with `writeInt16BE` / `readInt16BE`. */
const MAX_GRAMJS_PORT = 32767;

/** Parses a GramJS string; throws `TelegramSessionError` for anything but an exact layout. */
export function parseGramjsString(text: string): TelegramSessionData {
  if (!text.startsWith("1")) {
    throw new TelegramSessionError(
      "telegram.session.bad_prefix",
      "GramJS strings start with version '1'",
      FORMAT,
    );
  }
  const bytes = decodeBase64(text.slice(1), "standard", "required", FORMAT);
  if (bytes.length < 3) throw truncated(`${bytes.length} bytes cannot hold the header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const addressLength = view.getInt16(1);
  if (addressLength < 1 || addressLength > MAX_ADDRESS_BYTES) {
    throw new TelegramSessionError(
      "telegram.session.bad_address",
      `address length ${addressLength} is outside 1..${MAX_ADDRESS_BYTES}`,
      FORMAT,
    );
  }
  const keyOffset = 3 + addressLength + 2;
  const keyLength = bytes.length - keyOffset;
  if (keyLength < MINIMAL_AUTH_KEY_BYTES) {
    throw truncated(`${bytes.length} bytes, expected ${keyOffset + AUTH_KEY_BYTES} for this address length`);
  }
  if (keyLength > AUTH_KEY_BYTES) {
    throw new TelegramSessionError(
      "telegram.session.bad_key_length",
      `auth key is ${keyLength} bytes, expected ${AUTH_KEY_BYTES}`,
      FORMAT,
    );
  }
  // Read unsigned: the bytes of ports ≤ 32767 are the same either way, and a writer
  // that stored a larger port meant the unsigned value.
  const session: TelegramSessionData = {
    dcId: view.getUint8(0),
    address: Buffer.from(bytes.subarray(3, 3 + addressLength)).toString("latin1"),
    port: view.getUint16(3 + addressLength),
    authKey: bytes.subarray(keyOffset),
  };
  return normalizeSession(session, FORMAT, true);
}

/**
 * Writes the GramJS layout. Refuses (`not_exportable`) an address longer than 100 bytes
 * and a port above 32767: GramJS would read either back as something else (a packed IPv6,
 * a negative port) and its own `save()` throws on such a port.
 */
export function serializeGramjsString(session: TelegramSessionData): string {
  const address = Buffer.from(session.address, "latin1");
  if (address.length < 1 || address.length > MAX_ADDRESS_BYTES) {
    throw notExportable(`address of ${address.length} bytes (GramJS allows 1..${MAX_ADDRESS_BYTES})`);
  }
  if (session.port > MAX_GRAMJS_PORT) {
    throw notExportable(
      `port ${session.port} (GramJS stores the port as a signed 16-bit integer, max 32767)`,
    );
  }
  const head = Buffer.alloc(3);
  head.writeUInt8(session.dcId, 0);
  head.writeInt16BE(address.length, 1);
  const port = Buffer.alloc(2);
  port.writeInt16BE(session.port, 0);
  return `1${encodeBase64(Buffer.concat([head, address, port, session.authKey]), "standard", true)}`;
}

// --- Internal helpers ---

function truncated(detail: string): TelegramSessionError {
  return new TelegramSessionError(
    "telegram.session.truncated",
    `GramJS string is truncated: ${detail}`,
    FORMAT,
  );
}

function notExportable(detail: string): TelegramSessionError {
  return new TelegramSessionError(
    "telegram.session.not_exportable",
    `cannot write a GramJS string: ${detail}`,
    FORMAT,
  );
}
