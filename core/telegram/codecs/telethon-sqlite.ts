import type { Database } from "sql.js";
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
 * Telethon `.session` files.
 *
 * - v1 (versions 5..7): one row in `sessions(dc_id, server_address, port, auth_key, …)`.
 *   Columns are selected by name so files from before `takeout_id` (v5) still read.
 * - v2 alpha (version 10): `datacenter(id, addr | ipv4_addr/ipv6_addr, auth)` holding
 *   `"ip:port"`, plus `user(id, dc, bot)` naming the home DC once logged in.
 *
 * Auth keys are BLOBs, so a 255-byte GramJS-minimal key is accepted (and padded).
 */

const FORMAT = "telethon-sqlite";
const V1_COLUMNS = ["dc_id", "server_address", "port", "auth_key"] as const;

/** True when the schema is one Telethon wrote (v1 `sessions` or v2 `datacenter`). */
export function isTelethonSchema(schema: SqliteSchema): boolean {
  const v1 = hasColumns(schema, "sessions", V1_COLUMNS) && !schema.get("sessions")?.has("test_mode");
  return v1 || hasColumns(schema, "datacenter", ["id", "auth"]);
}

/** Reads the logged-in DC of a Telethon database already recognised by `isTelethonSchema`. */
export function readTelethonSqlite(db: Database, schema: SqliteSchema): TelegramSessionData {
  if (!hasColumns(schema, "sessions", V1_COLUMNS)) return readVersion10(db, schema);
  const rows = selectRows(db, "SELECT dc_id, server_address, port, auth_key FROM sessions");
  const row = onlyRow(rows, "sessions", FORMAT);
  return normalizeSession(
    {
      dcId: readInteger(row, "dc_id", FORMAT),
      address: readText(row, "server_address", FORMAT),
      port: readInteger(row, "port", FORMAT),
      authKey: readBlob(row, "auth_key", FORMAT),
    },
    FORMAT,
    true,
  );
}

// --- Internal helpers ---

function readVersion10(db: Database, schema: SqliteSchema): TelegramSessionData {
  const columns = schema.get("datacenter") ?? new Set<string>();
  const addressColumns = ["addr", "ipv4_addr", "ipv6_addr"].filter((c) => columns.has(c));
  if (addressColumns.length === 0) {
    throw new TelegramSessionError(
      "telegram.session.unknown_sqlite_schema",
      "Telethon v2 datacenter table has no address column",
      FORMAT,
    );
  }
  const addressExpression =
    addressColumns.length === 1 ? addressColumns.join("") : `COALESCE(${addressColumns.join(", ")})`;
  const dcs = selectRows(db, `SELECT id, ${addressExpression} AS addr, auth FROM datacenter`);
  const users = hasColumns(schema, "user", ["id", "dc", "bot"])
    ? selectRows(db, 'SELECT CAST(id AS TEXT) AS id, dc, bot FROM "user"')
    : [];
  const user = users[0];
  const homeDc = user === undefined ? undefined : readInteger(user, "dc", FORMAT);
  const candidates =
    homeDc === undefined
      ? dcs.filter((dc) => dc.auth instanceof Uint8Array && dc.auth.length > 0)
      : dcs.filter((dc) => dc.id === homeDc);
  const dc = onlyRow(candidates, "datacenter", FORMAT);
  const { address, port } = splitHostPort(readText(dc, "addr", FORMAT));
  const session: TelegramSessionData = {
    dcId: readInteger(dc, "id", FORMAT),
    address,
    port,
    authKey: readBlob(dc, "auth", FORMAT),
  };
  if (user !== undefined) {
    session.userId = readText(user, "id", FORMAT);
    session.isBot = readInteger(user, "bot", FORMAT) !== 0;
  }
  return normalizeSession(session, FORMAT, true);
}

/** `"1.2.3.4:443"` or `"[2001:db8::1]:443"`; a missing port is a bad address. */
function splitHostPort(text: string): { address: string; port: number } {
  const match = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:]+):(\d{1,5})$/.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new TelegramSessionError(
      "telegram.session.bad_address",
      "datacenter address is not host:port",
      FORMAT,
    );
  }
  return { address: match[1], port: Number(match[2]) };
}
