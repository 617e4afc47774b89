import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { TelegramSessionError } from "./errors.js";

/**
 * SQLite access for `.session` files through sql.js (SQLite compiled to WASM). The
 * database lives in WASM memory, built from a copy of the input bytes: the caller's
 * file is never opened, locked ("database is locked" is common with Telethon files
 * still in use) or written.
 */

/** Column names per table, lower-cased. */
export type SqliteSchema = ReadonlyMap<string, ReadonlySet<string>>;
export type SqliteRow = Record<string, SqlValue>;

const HEADER = "SQLite format 3\0";

/** True when `bytes` start with the SQLite file header. */
export function hasSqliteHeader(bytes: Uint8Array): boolean {
  return (
    bytes.length >= HEADER.length &&
    Buffer.from(bytes.subarray(0, HEADER.length)).toString("latin1") === HEADER
  );
}

/**
 * Opens an in-memory copy of `bytes`, runs `read` with it and its schema, and always
 * closes it. Throws `not_sqlite` without the header, `corrupt_sqlite` if SQLite refuses
 * the file. Errors thrown by `read` pass through.
 */
export async function withSqlite<T>(
  bytes: Uint8Array,
  read: (db: Database, schema: SqliteSchema) => T,
): Promise<T> {
  if (!hasSqliteHeader(bytes)) {
    throw new TelegramSessionError(
      "telegram.session.not_sqlite",
      "file does not start with the SQLite header",
    );
  }
  const SQL = await loadSqlJs();
  let db: Database;
  let schema: SqliteSchema;
  try {
    db = new SQL.Database(Uint8Array.from(bytes));
  } catch (cause) {
    throw corrupt(cause);
  }
  try {
    try {
      schema = readSchema(db);
    } catch (cause) {
      throw corrupt(cause);
    }
    return read(db, schema);
  } finally {
    db.close();
  }
}

/** Runs a read-only query and returns its rows keyed by column name. */
export function selectRows(db: Database, sql: string): SqliteRow[] {
  let result: ReturnType<Database["exec"]>;
  try {
    result = db.exec(sql);
  } catch (cause) {
    throw corrupt(cause);
  }
  const [first] = result;
  if (first === undefined) return [];
  return first.values.map((values) =>
    Object.fromEntries(first.columns.map((c, i) => [c, values[i] ?? null])),
  );
}

/** True when `table` exists and has every column in `columns`. */
export function hasColumns(schema: SqliteSchema, table: string, columns: readonly string[]): boolean {
  const found = schema.get(table);
  return found !== undefined && columns.every((c) => found.has(c));
}

/** The single row of `rows`: none is `no_session`, several is `multiple_sessions`. */
export function onlyRow(rows: SqliteRow[], table: string, format: string): SqliteRow {
  const [row] = rows;
  if (row === undefined) {
    throw new TelegramSessionError("telegram.session.no_session", `table ${table} holds no session`, format);
  }
  if (rows.length > 1) {
    throw new TelegramSessionError(
      "telegram.session.multiple_sessions",
      `table ${table} holds ${rows.length} candidate sessions, expected one`,
      format,
    );
  }
  return row;
}

/** An INTEGER column's value; any other type is `bad_field`. */
export function readInteger(row: SqliteRow, column: string, format: string): number {
  const value = row[column];
  if (typeof value !== "number" || !Number.isInteger(value)) throw badColumn(column, "an integer", format);
  return value;
}

/** A TEXT column's value; any other type is `bad_field`. */
export function readText(row: SqliteRow, column: string, format: string): string {
  const value = row[column];
  if (typeof value !== "string") throw badColumn(column, "text", format);
  return value;
}

/** A BLOB column's value, NULL read as empty (the key checks then report `empty_auth_key`). */
export function readBlob(row: SqliteRow, column: string, format: string): Uint8Array {
  const value = row[column];
  if (value === null || value === undefined) return new Uint8Array(0);
  if (!(value instanceof Uint8Array)) throw badColumn(column, "a BLOB", format);
  return value;
}

// --- Internal helpers ---

function badColumn(column: string, expected: string, format: string): TelegramSessionError {
  return new TelegramSessionError(
    "telegram.session.bad_field",
    `column ${column} must be ${expected}`,
    format,
  );
}

let sqlJs: Promise<SqlJsStatic> | undefined;

function loadSqlJs(): Promise<SqlJsStatic> {
  // One WASM instance per process; a failed load is retried on the next call. sql.js itself is
  // imported here, on the first .session file, so the API Lambda's cold start does not parse it.
  sqlJs ??= import("sql.js")
    .then(({ default: initSqlJs }) => initSqlJs())
    .catch((error: unknown) => {
      sqlJs = undefined;
      throw error;
    });
  return sqlJs;
}

function readSchema(db: Database): SqliteSchema {
  const schema = new Map<string, Set<string>>();
  const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values ?? [];
  for (const [name] of tables) {
    if (typeof name !== "string") continue;
    const info = db.exec(`PRAGMA table_info("${name.replaceAll('"', '""')}")`)[0];
    const nameIndex = info?.columns.indexOf("name") ?? -1;
    const columns = (info?.values ?? []).map((row) => String(row[nameIndex]).toLowerCase());
    schema.set(name.toLowerCase(), new Set(columns));
  }
  return schema;
}

function corrupt(cause: unknown): TelegramSessionError {
  return new TelegramSessionError(
    "telegram.session.corrupt_sqlite",
    "SQLite could not read the file (corrupt or not a complete database)",
    undefined,
    cause,
  );
}
