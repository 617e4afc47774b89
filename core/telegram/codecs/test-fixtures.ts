import initSqlJs from "sql.js";

/**
 * Test fixtures for every foreign format, built by hand from the byte layouts in
 * shared/reference/telegram-sessions.md and the upstream CREATE TABLE statements.
 * Deliberately imports nothing from the codecs under test.
 */

/** A deterministic 256-byte key; `seed` varies it. The first byte is never zero. */
export function makeAuthKey(seed = 1, length = 256): Buffer {
  const key = Buffer.alloc(length);
  for (let i = 0; i < length; i++) key[i] = (i * 31 + seed * 17 + 1) & 0xff;
  if (key[0] === 0) key[0] = 0x42;
  return key;
}

/** `"1"` + base64(dc u8 | len i16 | address | port i16 | key), as GramJS `save()` writes it. */
export function gramjsString(dcId: number, address: string, port: number, key: Buffer): string {
  const head = Buffer.alloc(3);
  head.writeUInt8(dcId, 0);
  head.writeInt16BE(Buffer.byteLength(address), 1);
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port, 0);
  return `1${Buffer.concat([head, Buffer.from(address), portBytes, key]).toString("base64")}`;
}

/** Telethon `>B4sH256s` / `>B16sH256s`, url-safe base64 with padding. */
export function telethonString(dcId: number, packedIp: number[], port: number, key: Buffer): string {
  const out = Buffer.alloc(1 + packedIp.length + 2 + key.length);
  out.writeUInt8(dcId, 0);
  Buffer.from(packedIp).copy(out, 1);
  out.writeUInt16BE(port, 1 + packedIp.length);
  key.copy(out, 3 + packedIp.length);
  return `1${urlsafePadded(out)}`;
}

export interface PyrogramFields {
  dcId: number;
  apiId?: number;
  testMode: boolean;
  key: Buffer;
  userId: bigint;
  isBot: boolean;
}

/** Pyrogram strings: current `>BI?256sQ?`, old `>B?256sI?`, old64 `>B?256sQ?`; unpadded url-safe. */
export function pyrogramString(layout: "current" | "old" | "old64", f: PyrogramFields): string {
  const parts: Buffer[] = [Buffer.from([f.dcId])];
  if (layout === "current") {
    const api = Buffer.alloc(4);
    api.writeUInt32BE(f.apiId ?? 0, 0);
    parts.push(api);
  }
  parts.push(Buffer.from([f.testMode ? 1 : 0]), f.key);
  const id = Buffer.alloc(layout === "old" ? 4 : 8);
  if (layout === "old") id.writeUInt32BE(Number(f.userId), 0);
  else id.writeBigUInt64BE(f.userId, 0);
  parts.push(id, Buffer.from([f.isBot ? 1 : 0]));
  return Buffer.concat(parts).toString("base64").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function urlsafePadded(bytes: Buffer): string {
  return bytes.toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/** Telethon 1.x `sessions.py` (version 7). `withTakeout: false` gives the pre-v5 table. */
export const TELETHON_V7_SCHEMA = (withTakeout = true): string => `
  create table version (version integer primary key);
  create table sessions (dc_id integer primary key, server_address text, port integer, auth_key blob
    ${withTakeout ? ", takeout_id integer" : ""});
  create table entities (id integer primary key, hash integer not null, username text, phone integer,
    name text, date integer);
  create table sent_files (md5_digest blob, file_size integer, type integer, id integer, hash integer,
    primary key(md5_digest, file_size, type));
  create table update_state (id integer primary key, pts integer, qts integer, date integer, seq integer);`;

/** Telethon 2 alpha `storage/sqlite.py` (version 10). */
export const TELETHON_V10_SCHEMA = `
  create table version (version integer primary key);
  create table datacenter(id integer primary key, addr text not null, auth blob);
  create table user(id integer primary key, dc integer not null, bot integer not null);
  create table state(pts integer not null, qts integer not null, date integer not null, seq integer not null);
  create table channelstate(id integer primary key, pts integer not null);`;

/** Pyrogram `sqlite_storage.py` (VERSION 3); `withApiId: false` gives VERSION 2. */
export const PYROGRAM_SCHEMA = (withApiId = true): string => `
  CREATE TABLE sessions (dc_id INTEGER PRIMARY KEY, ${withApiId ? "api_id INTEGER," : ""} test_mode INTEGER,
    auth_key BLOB, date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER);
  CREATE TABLE peers (id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT NULL, username TEXT,
    phone_number TEXT, last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER)));
  CREATE TABLE version (number INTEGER PRIMARY KEY);
  CREATE INDEX idx_peers_id ON peers (id);
  CREATE INDEX idx_peers_username ON peers (username);
  CREATE INDEX idx_peers_phone_number ON peers (phone_number);`;

/** Kurigram (storage v7): Pyrogram's table plus server_address and port, usernames and update_state. */
export const KURIGRAM_SCHEMA = `
  CREATE TABLE sessions (dc_id INTEGER PRIMARY KEY, server_address TEXT, port INTEGER, api_id INTEGER,
    test_mode INTEGER, auth_key BLOB, date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER);
  CREATE TABLE peers (id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT NULL,
    phone_number TEXT, last_update_on INTEGER NOT NULL DEFAULT (CAST(STRFTIME('%s', 'now') AS INTEGER)));
  CREATE TABLE usernames (id INTEGER, username TEXT, FOREIGN KEY (id) REFERENCES peers(id));
  CREATE TABLE update_state (id INTEGER PRIMARY KEY, pts INTEGER, qts INTEGER, date INTEGER, seq INTEGER);
  CREATE TABLE version (number INTEGER PRIMARY KEY);`;

type Param = number | string | Uint8Array | bigint | null;

/** Builds an SQLite file: runs `schema`, then each `[sql, params]` insert. */
export async function buildSqlite(schema: string, inserts: [string, Param[]][]): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.exec(schema);
    // sql.js binds bigint at runtime; its typings predate that.
    for (const [sql, params] of inserts) db.run(sql, params as (number | string | Uint8Array | null)[]);
    return db.export();
  } finally {
    db.close();
  }
}
