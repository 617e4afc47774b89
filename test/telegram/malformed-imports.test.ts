import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import {
  authKey,
  buildSqlite,
  descriptor,
  gramjsString,
  telethonSqlite,
  telethonString,
} from "./fixtures.js";
import { createTelegramHarness, type TelegramHarness } from "./harness.js";

/**
 * Issue 5 must-show: every malformed import gets a 4xx with a stable code through the route, and
 * nothing is stored (the tenant's records and blobs are counted before and after each case).
 */

const KEY = authKey(7);
const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString("base64");

/** GramJS layout with any field out of range (the fixture helper cannot write those). */
function rawGramjs(dc: number, address: Buffer, port: number, key: Buffer): string {
  const head = Buffer.alloc(3);
  head.writeUInt8(dc, 0);
  head.writeInt16BE(address.length, 1);
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port, 0);
  return `1${Buffer.concat([head, address, p, key]).toString("base64")}`;
}

const TELETHON = telethonString(2, [149, 154, 167, 51], 443, KEY);
const SESSIONS_TABLE =
  "create table version (version integer primary key); insert into version values (7);" +
  "create table sessions (dc_id integer primary key, server_address text, port integer, auth_key blob, takeout_id integer);" +
  "create table entities (id integer primary key, hash integer not null, username text, phone integer, name text, date integer);";

type Case = [name: string, body: () => Promise<unknown> | unknown, status: number, code: string];

const CASES: Case[] = [
  ["empty string", () => ({ sessionString: "" }), 422, "telegram.session.unknown_format"],
  ["whitespace only", () => ({ sessionString: "  \n " }), 422, "telegram.session.unknown_format"],
  ["version char only", () => ({ sessionString: "1" }), 422, "telegram.session.truncated"],
  [
    "wrong version prefix",
    () => ({ sessionString: `2${TELETHON.slice(1)}` }),
    422,
    "telegram.session.bad_prefix",
  ],
  ["plain words", () => ({ sessionString: "hello world" }), 422, "telegram.session.unknown_format"],
  [
    "gramjs: bad base64 char",
    () => ({
      sessionString: `${gramjsString(2, "1.2.3.4", 443, KEY).slice(0, 40)}!${gramjsString(2, "1.2.3.4", 443, KEY).slice(41)}`,
    }),
    422,
    "telegram.session.bad_base64",
  ],
  [
    "gramjs: truncated key",
    () => ({ sessionString: gramjsString(2, "149.154.167.51", 443, KEY.subarray(0, 200)) }),
    422,
    "telegram.session.truncated",
  ],
  [
    "gramjs: 300-byte key",
    () => ({
      sessionString: gramjsString(2, "149.154.167.51", 443, Buffer.concat([KEY, KEY.subarray(0, 44)])),
    }),
    422,
    "telegram.session.bad_key_length",
  ],
  [
    "gramjs: all-zero key",
    () => ({ sessionString: gramjsString(2, "149.154.167.51", 443, Buffer.alloc(256)) }),
    422,
    "telegram.session.empty_auth_key",
  ],
  [
    "gramjs: empty address",
    () => ({ sessionString: rawGramjs(2, Buffer.alloc(0), 443, KEY) }),
    422,
    "telegram.session.bad_address",
  ],
  [
    "gramjs: address not a host",
    () => ({ sessionString: rawGramjs(2, Buffer.from("bad host!"), 443, KEY) }),
    422,
    "telegram.session.bad_address",
  ],
  [
    "gramjs: dc 0",
    () => ({ sessionString: rawGramjs(0, Buffer.from("1.2.3.4"), 443, KEY) }),
    422,
    "telegram.session.bad_dc_id",
  ],
  [
    "gramjs: port 0",
    () => ({ sessionString: rawGramjs(2, Buffer.from("1.2.3.4"), 0, KEY) }),
    422,
    "telegram.session.bad_port",
  ],
  [
    "telethon: truncated",
    () => ({ sessionString: TELETHON.slice(0, 300) }),
    422,
    "telegram.session.truncated",
  ],
  ["telethon: too long", () => ({ sessionString: `${TELETHON}AAAA` }), 422, "telegram.session.bad_length"],
  [
    "telethon: standard alphabet",
    () => ({ sessionString: TELETHON.replace(/[-_]/, "+").replace(/^1[^+]*$/, "1+".padEnd(353, "A")) }),
    422,
    "telegram.session.bad_base64",
  ],
  [
    "telethon: all-zero key",
    () => ({ sessionString: telethonString(2, [149, 154, 167, 51], 443, Buffer.alloc(256)) }),
    422,
    "telegram.session.empty_auth_key",
  ],
  [
    "telethon: dc 200",
    () => ({ sessionString: telethonString(200, [149, 154, 167, 51], 443, KEY) }),
    422,
    "telegram.session.bad_dc_id",
  ],
  [
    "pyrogram-like: wrong length",
    () => ({ sessionString: Buffer.alloc(300, 1).toString("base64url") }),
    422,
    "telegram.session.bad_length",
  ],
  [
    "sqlite: another schema",
    async () => ({ file: b64(await buildSqlite("create table foo (a integer);")), filename: "x.session" }),
    422,
    "telegram.session.unknown_sqlite_schema",
  ],
  [
    "sqlite: empty auth key",
    async () => ({
      file: b64(
        await buildSqlite(SESSIONS_TABLE, ["insert into sessions values (2, '1.2.3.4', 443, x'', null)", []]),
      ),
    }),
    422,
    "telegram.session.empty_auth_key",
  ],
  [
    "sqlite: no session row",
    async () => ({ file: b64(await buildSqlite(SESSIONS_TABLE)) }),
    422,
    "telegram.session.no_session",
  ],
  [
    "sqlite: 100-byte key",
    async () => ({ file: b64(await telethonSqlite(2, "1.2.3.4", 443, KEY.subarray(0, 100))) }),
    422,
    "telegram.session.bad_key_length",
  ],
  [
    "sqlite: header then garbage",
    () => ({ file: b64(Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(600, 7)])) }),
    422,
    "telegram.session.corrupt_sqlite",
  ],
  [
    ".session that is not SQLite",
    () => ({ file: b64("just text"), filename: "a.session" }),
    422,
    "telegram.session.not_sqlite",
  ],
  ["file: bad base64", () => ({ file: "###not base64###" }), 422, "telegram.session.bad_base64"],
  [
    "file: binary, not UTF-8",
    () => ({ file: b64(Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x90])) }),
    422,
    "telegram.session.unknown_format",
  ],
  [
    "json file: not JSON",
    () => ({ file: b64("{not json"), filename: "a.json" }),
    422,
    "telegram.session.bad_json",
  ],
  ["json body: unknown shape", () => ({ foo: 1, bar: "baz" }), 422, "telegram.session.unknown_json_shape"],
  ["json body: empty object", () => ({}), 422, "telegram.session.unknown_json_shape"],
  [
    "descriptor: broken session_string",
    () => ({ descriptor: descriptor(TELETHON.slice(0, 100)) }),
    422,
    "telegram.session.truncated",
  ],
  [
    "descriptor: bad api_hash",
    () => ({ descriptor: descriptor(TELETHON, { api_hash: "xyz" }) }),
    422,
    "telegram.session.bad_field",
  ],
  [
    "opentele sidecar alone",
    () => ({ descriptor: { app_id: 2040, app_hash: "b18441a1ff607e10a989891a5462e627" } }),
    422,
    "telegram.session.sidecar_without_session",
  ],
  ["sessionString not a string", () => ({ sessionString: 12345 }), 422, "validation_failed"],
  ["apiHash malformed", () => ({ sessionString: TELETHON, apiHash: "nope" }), 422, "validation_failed"],
  ["huge file", () => ({ file: "A".repeat(4_300_000) }), 413, "payload_too_large"],
];

describe.each(ADAPTERS)("malformed Telegram imports (%s)", (adapter) => {
  let store: TestStorage;
  let h: TelegramHarness;
  let apiKey: string;
  let tenantId: string;
  beforeAll(async () => {
    store = await createTestStorage(adapter);
    h = createTelegramHarness(store.storage);
    ({ apiKey, tenantId } = await h.tenant());
  });
  afterAll(async () => {
    await store.dispose();
  });

  it(`${CASES.length} malformed inputs: each a 4xx with its stable code, nothing stored`, async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    const before = await h.footprint(tenantId);
    const seen: [string, number, string][] = [];
    for (const [name, body] of CASES) {
      const res = await h.call(apiKey, "POST", "/v1/telegram/sessions/import", await body());
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.detail).not.toMatch(/[A-Za-z0-9+/_-]{60,}/); // no echoed session material
      seen.push([name, res.status, problem.code]);
    }
    expect(seen).toEqual(CASES.map(([name, , status, code]) => [name, status, code]));
    expect(await h.footprint(tenantId)).toEqual(before);
  });

  it("a malformed multipart upload is refused the same way", async () => {
    const before = await h.footprint(tenantId);
    const form = new FormData();
    form.append("file", new Blob([await buildSqlite("create table foo (a integer);")]), "x.session");
    const res = await h.app.request("/v1/telegram/sessions/import", {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}` },
      body: form,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe("telegram.session.unknown_sqlite_schema");
    const invalidJson = await h.app.request("/v1/telegram/sessions/import", {
      method: "POST",
      headers: h.headers(apiKey, true),
      body: "{",
    });
    expect(invalidJson.status).toBe(400);
    expect(await h.footprint(tenantId)).toEqual(before);
  });
});
