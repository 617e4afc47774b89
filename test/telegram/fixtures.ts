import initSqlJs from "sql.js";

/**
 * Session fixtures for the Telegram route tests, written by hand from the byte layouts in
 * shared/reference/telegram-sessions.md (and upstream CREATE TABLE statements). Imports nothing from
 * `core/telegram`, so a codec bug cannot hide in a fixture that shares its code.
 */

/** 256 bytes derived from `seed`; the first byte is never zero (so GramJS and Telethon agree on it). */
export function authKey(seed: number, length = 256): Buffer {
  const key = Buffer.alloc(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    key[i] = x & 0xff;
  }
  if (key[0] === 0) key[0] = 0x5a;
  return key;
}

/** GramJS: "1" + base64(dc u8 | len i16 BE | address | port i16 BE | key). */
export function gramjsString(dc: number, address: string, port: number, key: Buffer): string {
  const head = Buffer.alloc(3);
  head.writeUInt8(dc, 0);
  head.writeInt16BE(Buffer.byteLength(address), 1);
  const p = Buffer.alloc(2);
  p.writeInt16BE(port, 0);
  return `1${Buffer.concat([head, Buffer.from(address), p, key]).toString("base64")}`;
}

/** Telethon: "1" + url-safe padded base64 of `>B4sH256s` (or 16-byte IPv6). */
export function telethonString(dc: number, ip: number[], port: number, key: Buffer): string {
  const out = Buffer.alloc(1 + ip.length + 2 + key.length);
  out.writeUInt8(dc, 0);
  Buffer.from(ip).copy(out, 1);
  out.writeUInt16BE(port, 1 + ip.length);
  key.copy(out, 3 + ip.length);
  return `1${out.toString("base64").replaceAll("+", "-").replaceAll("/", "_")}`;
}

/** Pyrogram current layout `>BI?256sQ?`, url-safe base64 without padding. */
export function pyrogramString(
  dc: number,
  apiId: number,
  key: Buffer,
  userId: bigint,
  isBot = false,
): string {
  const out = Buffer.alloc(1 + 4 + 1 + 256 + 8 + 1);
  out.writeUInt8(dc, 0);
  out.writeUInt32BE(apiId, 1);
  out.writeUInt8(0, 5);
  key.copy(out, 6);
  out.writeBigUInt64BE(userId, 262);
  out.writeUInt8(isBot ? 1 : 0, 270);
  return out.toString("base64url");
}

/** Telethon 1.x `.session` (version 7) with one sessions row. */
export async function telethonSqlite(
  dc: number,
  address: string,
  port: number,
  key: Buffer,
): Promise<Uint8Array> {
  return buildSqlite(
    `create table version (version integer primary key);
     create table sessions (dc_id integer primary key, server_address text, port integer, auth_key blob, takeout_id integer);
     create table entities (id integer primary key, hash integer not null, username text, phone integer, name text, date integer);
     create table sent_files (md5_digest blob, file_size integer, type integer, id integer, hash integer, primary key(md5_digest, file_size, type));
     create table update_state (id integer primary key, pts integer, qts integer, date integer, seq integer);
     insert into version values (7);`,
    ["insert into sessions values (?, ?, ?, ?, null)", [dc, address, port, key]],
  );
}

/** Pyrogram `.session` (VERSION 3) with one sessions row. */
export async function pyrogramSqlite(
  dc: number,
  apiId: number,
  key: Buffer,
  userId: number,
): Promise<Uint8Array> {
  return buildSqlite(
    `CREATE TABLE sessions (dc_id INTEGER PRIMARY KEY, api_id INTEGER, test_mode INTEGER, auth_key BLOB,
       date INTEGER NOT NULL, user_id INTEGER, is_bot INTEGER);
     CREATE TABLE peers (id INTEGER PRIMARY KEY, access_hash INTEGER, type INTEGER NOT NULL, username TEXT,
       phone_number TEXT, last_update_on INTEGER NOT NULL DEFAULT 0);
     CREATE TABLE version (number INTEGER PRIMARY KEY);
     INSERT INTO version VALUES (3);`,
    ["INSERT INTO sessions VALUES (?, ?, 0, ?, 0, ?, 0)", [dc, apiId, key, userId]],
  );
}

/** Any SQLite file: `schema`, then one optional insert. */
export async function buildSqlite(
  schema: string,
  insert?: [string, (number | string | Uint8Array | null)[]],
): Promise<Uint8Array> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  try {
    db.exec(schema);
    if (insert) db.run(insert[0], insert[1]);
    return db.export();
  } finally {
    db.close();
  }
}

/** The seed 002 descriptor. */
export function descriptor(
  sessionString: string,
  fields: Partial<Record<string, string>> = {},
): Record<string, string> {
  return {
    account_id: "8312419180",
    phone_number: "+573025288905",
    session_string: sessionString,
    api_id: "12345",
    api_hash: "0123456789abcdef0123456789abcdef",
    ...fields,
  };
}
