import type { Database } from "sql.js";
import { matchDescriptor } from "./descriptor-json.js";
import { TelegramSessionError } from "./errors.js";
import { type JsonSessionSource, parseJsonObject } from "./json-source.js";
import { matchOpenteleSidecar } from "./opentele-json.js";
import { isPyrogramSchema, readPyrogramSqlite } from "./pyrogram-sqlite.js";
import { mergeMetadata, type SessionFormat, type TelegramSessionData } from "./session.js";
import { parseSessionString } from "./session-string.js";
import { hasSqliteHeader, type SqliteSchema, withSqlite } from "./sqlite.js";
import { isTelethonSchema, readTelethonSqlite } from "./telethon-sqlite.js";

/** Raw session input: a string, or file bytes (optionally with their file name). */
export interface SessionInput {
  text?: string;
  bytes?: Uint8Array;
  /** Only a hint: `.session` must be SQLite, `.json` must be JSON. */
  filename?: string;
  /** An opentele `.json` sidecar accompanying `bytes`/`text`; its api_id, api_hash, id and phone are merged in. */
  sidecar?: string;
}

export interface ParsedSession {
  format: SessionFormat;
  session: TelegramSessionData;
}

/** Largest accepted input (text, file or sidecar). Real `.session` files are tens of KB; big ones hold entity caches. */
export const MAX_SESSION_INPUT_BYTES = 5 * 1024 * 1024;

/**
 * Recognises any supported format and parses it into a validated `TelegramSessionData`
 * with a 256-byte key. Exactly one of `text` / `bytes` must be given. Async only because
 * sql.js loads its WASM module on first use. Every failure is a `TelegramSessionError`.
 */
export async function detectAndParse(input: SessionInput): Promise<ParsedSession> {
  if ((input.text === undefined) === (input.bytes === undefined)) {
    throw new TelegramSessionError("telegram.session.unknown_format", "give exactly one of text or bytes");
  }
  checkSize(input.bytes?.length ?? Buffer.byteLength(input.text ?? "", "utf8"));
  const parsed = await parsePrimary(input);
  if (input.sidecar === undefined) return parsed;
  checkSize(Buffer.byteLength(input.sidecar, "utf8"));
  const sidecar = matchOpenteleSidecar(parseJsonObject(input.sidecar));
  if (sidecar === null)
    throw unknownJsonShape("the sidecar is not an opentele JSON sidecar (app_id, app_hash)");
  return { format: parsed.format, session: mergeMetadata(parsed.session, sidecar.metadata, parsed.format) };
}

// --- Internal helpers ---

async function parsePrimary(input: SessionInput): Promise<ParsedSession> {
  const name = input.filename?.toLowerCase() ?? "";
  if (input.bytes !== undefined) {
    if (hasSqliteHeader(input.bytes)) return withSqlite(input.bytes, readSqliteSession);
    if (name.endsWith(".session")) {
      throw new TelegramSessionError(
        "telegram.session.not_sqlite",
        ".session file does not start with the SQLite header",
      );
    }
    return parseText(decodeUtf8(input.bytes), name);
  }
  return parseText(input.text ?? "", name);
}

function readSqliteSession(db: Database, schema: SqliteSchema): ParsedSession {
  if (isPyrogramSchema(schema)) return { format: "pyrogram-sqlite", session: readPyrogramSqlite(db, schema) };
  if (isTelethonSchema(schema)) return { format: "telethon-sqlite", session: readTelethonSqlite(db, schema) };
  throw new TelegramSessionError(
    "telegram.session.unknown_sqlite_schema",
    `SQLite file has none of the Telethon or Pyrogram session tables (${schema.size} tables found)`,
  );
}

function parseText(raw: string, name: string): ParsedSession {
  const text = raw.replace(/^\uFEFF/, "").trim();
  if (text === "") throw new TelegramSessionError("telegram.session.unknown_format", "input is empty");
  if (!text.startsWith("{") && !text.startsWith("[") && !name.endsWith(".json"))
    return parseSessionString(text);
  const object = parseJsonObject(text);
  const descriptor = matchDescriptor(object);
  const source = descriptor ?? matchOpenteleSidecar(object);
  const format: SessionFormat = descriptor === null ? "opentele" : "descriptor";
  if (source === null) {
    throw unknownJsonShape(
      "JSON matches neither the descriptor {session_string, account_id, phone_number, api_id, api_hash} " +
        "nor an opentele sidecar {app_id, app_hash, …}",
    );
  }
  return { format, session: sessionFromJson(source, format) };
}

function sessionFromJson(source: JsonSessionSource, format: SessionFormat): TelegramSessionData {
  if (source.sessionString === undefined) {
    throw new TelegramSessionError(
      "telegram.session.sidecar_without_session",
      source.sessionFile === undefined
        ? "JSON holds no session_string"
        : "JSON sidecar only names its .session file: send that file with this JSON as its sidecar",
      format,
    );
  }
  return mergeMetadata(parseSessionString(source.sessionString).session, source.metadata, format);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (!text.includes("\0")) return text;
  } catch {
    // Not text: reported below without echoing any bytes.
  }
  throw new TelegramSessionError(
    "telegram.session.unknown_format",
    "binary input is neither an SQLite session nor UTF-8 text",
  );
}

function checkSize(size: number): void {
  if (size > MAX_SESSION_INPUT_BYTES) {
    throw new TelegramSessionError(
      "telegram.session.too_large",
      `input is ${size} bytes, the limit is ${MAX_SESSION_INPUT_BYTES}`,
    );
  }
}

function unknownJsonShape(message: string): TelegramSessionError {
  return new TelegramSessionError("telegram.session.unknown_json_shape", message);
}
