import { decodeBase64, encodeBase64 } from "./base64.js";
import { lookupDcAddress } from "./dc-addresses.js";
import { TelegramSessionError } from "./errors.js";
import { AUTH_KEY_BYTES, normalizeSession, type TelegramSessionData } from "./session.js";

/**
 * Pyrogram session strings: url-safe base64 with the padding stripped, no version
 * prefix. Three layouts, told apart by length:
 *
 * | layout        | struct       | bytes | chars |
 * | current       | `>BI?256sQ?` | 271   | 362   |
 * | old           | `>B?256sI?`  | 263   | 351   |
 * | old 64-bit id | `>B?256sQ?`  | 267   | 356   |
 *
 * Pyrogram stores no address: it is derived from the DC id and test mode.
 */

const FORMAT = "pyrogram";
const CURRENT_BYTES = 271;
const LAYOUT_BY_CHARS: Readonly<Record<number, "current" | "old" | "old64">> = {
  362: "current",
  351: "old",
  356: "old64",
};

/** Parses any of the three layouts; throws `TelegramSessionError` for any other length. */
export function parsePyrogramString(text: string): TelegramSessionData {
  const body = text.replace(/={1,2}$/, "");
  const layout = LAYOUT_BY_CHARS[body.length];
  if (layout === undefined) {
    throw new TelegramSessionError(
      body.length < 351 ? "telegram.session.truncated" : "telegram.session.bad_length",
      `Pyrogram string is ${body.length} chars (unpadded), expected 362, 351 or 356`,
      FORMAT,
    );
  }
  const bytes = decodeBase64(text, "url", "optional", FORMAT);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dcId = view.getUint8(0);
  const offset = layout === "current" ? 5 : 1;
  const apiId = layout === "current" ? view.getUint32(1) : 0;
  const testMode = view.getUint8(offset) !== 0;
  const authKey = bytes.subarray(offset + 1, offset + 1 + AUTH_KEY_BYTES);
  const idOffset = offset + 1 + AUTH_KEY_BYTES;
  const userId = layout === "old" ? BigInt(view.getUint32(idOffset)) : view.getBigUint64(idOffset);
  const isBot = view.getUint8(bytes.length - 1) !== 0;
  const dc = lookupDcAddress(dcId, testMode);
  if (dc === null) {
    throw new TelegramSessionError(
      "telegram.session.bad_dc_id",
      `dc id ${dcId} does not exist in ${testMode ? "test" : "production"} mode`,
      FORMAT,
    );
  }
  const session: TelegramSessionData = { dcId, ...dc, authKey, testMode, isBot };
  if (apiId !== 0) session.apiId = apiId;
  if (userId !== 0n) session.userId = userId.toString();
  return normalizeSession(session, FORMAT, false);
}

/**
 * Writes the current layout (`>BI?256sQ?`). Pyrogram treats `user_id == 0` as "not
 * logged in" and would ask to log in again, so a session without `userId` is
 * `not_exportable`. A missing `apiId` is written as 0, which Pyrogram replaces with the
 * client's own api_id.
 */
export function serializePyrogramString(session: TelegramSessionData): string {
  if (session.userId === undefined || !/^[1-9]\d{0,19}$/.test(session.userId)) {
    throw notExportable("the user id is unknown (Pyrogram needs it to treat the session as logged in)");
  }
  const userId = BigInt(session.userId);
  if (userId > 0xffff_ffff_ffff_ffffn) throw notExportable("the user id does not fit in 64 bits");
  const out = Buffer.alloc(CURRENT_BYTES);
  out.writeUInt8(session.dcId, 0);
  out.writeUInt32BE(session.apiId ?? 0, 1);
  out.writeUInt8(session.testMode === true ? 1 : 0, 5);
  out.set(session.authKey, 6);
  out.writeBigUInt64BE(userId, 6 + AUTH_KEY_BYTES);
  out.writeUInt8(session.isBot === true ? 1 : 0, CURRENT_BYTES - 1);
  return encodeBase64(out, "url", false);
}

// --- Internal helpers ---

function notExportable(detail: string): TelegramSessionError {
  return new TelegramSessionError(
    "telegram.session.not_exportable",
    `cannot write a Pyrogram string: ${detail}`,
    FORMAT,
  );
}
