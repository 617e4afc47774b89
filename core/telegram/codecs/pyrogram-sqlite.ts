import type { Database } from "sql.js";
import { lookupDcAddress } from "./dc-addresses.js";
import { TelegramSessionError } from "./errors.js";
import { normalizeSession, type TelegramSessionData } from "./session.js";
import {
  hasColumns,
  onlyRow,
  readBlob,
  readInteger,
  readText,
  type SqliteSchema,
  selectRows,
} from "./sqlite.js";

/**
 * Pyrogram `.session` files (storage VERSION 2 and 3) and Kurigram's (v7).
 *
 * `sessions(dc_id, api_id, test_mode, auth_key, date, user_id, is_bot)` with one row and
 * `version(number)`. Pyrogram 1.x/2.0 files lack `api_id`; Kurigram adds
 * `server_address` and `port`, used when set. Otherwise the address comes from the DC
 * table (see `dc-addresses.ts`). `user_id` is read as text because it is a u64.
 */

const FORMAT = "pyrogram-sqlite";
const REQUIRED = ["dc_id", "test_mode", "auth_key"] as const;
const OPTIONAL = ["api_id", "user_id", "is_bot", "server_address", "port"] as const;

/** True for a Pyrogram/Kurigram schema: `sessions` with `dc_id`, `test_mode` and `auth_key`. */
export function isPyrogramSchema(schema: SqliteSchema): boolean {
  return hasColumns(schema, "sessions", REQUIRED) && (schema.get("sessions")?.has("test_mode") ?? false);
}

/** Reads the single session row of a database recognised by `isPyrogramSchema`. */
export function readPyrogramSqlite(db: Database, schema: SqliteSchema): TelegramSessionData {
  const columns = schema.get("sessions") ?? new Set<string>();
  const selected = [
    ...REQUIRED,
    ...OPTIONAL.filter((c) => columns.has(c)).map((c) =>
      c === "user_id" ? "CAST(user_id AS TEXT) AS user_id" : c,
    ),
  ];
  const row = onlyRow(selectRows(db, `SELECT ${selected.join(", ")} FROM sessions`), "sessions", FORMAT);
  const dcId = readInteger(row, "dc_id", FORMAT);
  const testMode = row.test_mode === null ? false : readInteger(row, "test_mode", FORMAT) !== 0;
  const authKey = readBlob(row, "auth_key", FORMAT);
  const stored =
    row.server_address === null || row.server_address === undefined
      ? null
      : { address: readText(row, "server_address", FORMAT), port: readInteger(row, "port", FORMAT) };
  const dc = stored ?? lookupDcAddress(dcId, testMode);
  if (dc === null) {
    throw new TelegramSessionError(
      "telegram.session.bad_dc_id",
      `dc id ${dcId} does not exist in ${testMode ? "test" : "production"} mode`,
      FORMAT,
    );
  }
  const session: TelegramSessionData = { dcId, ...dc, authKey, testMode };
  if (row.api_id !== null && row.api_id !== undefined && row.api_id !== 0) {
    session.apiId = readInteger(row, "api_id", FORMAT);
  }
  if (row.user_id !== null && row.user_id !== undefined && row.user_id !== "0") {
    session.userId = readText(row, "user_id", FORMAT);
  }
  if (row.is_bot !== null && row.is_bot !== undefined)
    session.isBot = readInteger(row, "is_bot", FORMAT) !== 0;
  return normalizeSession(session, FORMAT, true);
}
