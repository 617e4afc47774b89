import { describe, expect, it } from "vitest";
import { SessionvaultError } from "../../error.js";
import { detectAndParse, type SessionInput, serialize, TelegramSessionError } from "./index.js";
import {
  buildSqlite,
  gramjsString,
  makeAuthKey,
  PYROGRAM_SCHEMA,
  pyrogramString,
  TELETHON_V7_SCHEMA,
  telethonString,
} from "./test-fixtures.js";

const key = makeAuthKey(33);
const ip = [149, 154, 167, 51];
const ADDRESS = "149.154.167.51";
const gramjs = gramjsString(2, ADDRESS, 443, key);
const telethon = telethonString(2, ip, 443, key);
const pyro = { dcId: 2, apiId: 1, testMode: false, key, userId: 5n, isBot: false };
const session = { dcId: 2, address: ADDRESS, port: 443, authKey: new Uint8Array(key) };
const telethonRow = (values: unknown[]) =>
  buildSqlite(TELETHON_V7_SCHEMA(), [["insert into sessions values (?, ?, ?, ?, ?)", values as never]]);

/** Replaces the character at `index` (negative counts from the end). */
function setChar(text: string, index: number, char: string): string {
  const at = index < 0 ? text.length + index : index;
  return text.slice(0, at) + char + text.slice(at + 1);
}

/** Raises the low bits of the last data character before `=`, making the encoding non-canonical. */
function nonCanonical(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const at = text.search(/=+$/) - 1;
  return setChar(text, at, alphabet[alphabet.indexOf(text[at] ?? "A") + 1] ?? "B");
}

type Case = [name: string, run: () => Promise<unknown>, code: string];
const parse = (input: SessionInput) => () => detectAndParse(input);
const text = (value: string) => parse({ text: value });

const cases: Case[] = [
  // GramJS strings
  ["GramJS: version char only", text("1"), "truncated"],
  ["GramJS: key cut to 200 bytes", text(gramjsString(2, ADDRESS, 443, makeAuthKey(1, 200))), "truncated"],
  ["GramJS: key of 300 bytes", text(gramjsString(2, ADDRESS, 443, makeAuthKey(1, 300))), "bad_key_length"],
  ["GramJS: version '2'", text(`2${gramjs.slice(1)}`), "bad_prefix"],
  ["GramJS: '!' in the body", text(setChar(gramjs, 40, "!")), "bad_base64"],
  ["GramJS: both base64 alphabets", text(setChar(setChar(gramjs, 40, "-"), 41, "+")), "bad_base64"],
  [
    "GramJS: padding stripped",
    text(gramjsString(3, "149.154.175.10", 443, key).replace(/=+$/, "")),
    "bad_base64",
  ],
  [
    "GramJS: non-canonical trailing bits",
    text(nonCanonical(gramjsString(3, "149.154.175.10", 443, key))),
    "bad_base64",
  ],
  ["GramJS: address length 0", text(gramjsString(2, "", 443, key)), "bad_address"],
  ["GramJS: address with spaces", text(gramjsString(2, "not a host!", 443, key)), "bad_address"],
  ["GramJS: dc id 0", text(gramjsString(0, ADDRESS, 443, key)), "bad_dc_id"],
  ["GramJS: port 0", text(gramjsString(2, ADDRESS, 0, key)), "bad_port"],
  ["GramJS: all-zero key", text(gramjsString(2, ADDRESS, 443, Buffer.alloc(256))), "empty_auth_key"],
  // Telethon strings
  ["Telethon: version '0'", text(`0${telethon.slice(1)}`), "bad_prefix"],
  ["Telethon: body cut to 340 chars", text(telethon.slice(0, 341)), "truncated"],
  ["Telethon: body 4 chars too long", text(`${telethon.slice(0, -1)}AAAA=`), "bad_length"],
  ["Telethon: '+' in a url-safe body", text(setChar(telethon, 30, "+")), "bad_base64"],
  ["Telethon: dc id 9", text(telethonString(9, ip, 443, key)), "bad_dc_id"],
  ["Telethon: port 0", text(telethonString(2, ip, 0, key)), "bad_port"],
  ["Telethon: all-zero key", text(telethonString(2, ip, 443, Buffer.alloc(256))), "empty_auth_key"],
  // Pyrogram strings
  ["Pyrogram: 350 chars", text(pyrogramString("current", pyro).slice(0, 350)), "truncated"],
  ["Pyrogram: 366 chars", text(`${pyrogramString("current", pyro)}AAAA`), "bad_length"],
  ["Pyrogram: '/' in the body", text(setChar(pyrogramString("current", pyro), 20, "/")), "bad_base64"],
  [
    "Pyrogram: test-mode dc 4",
    text(pyrogramString("current", { ...pyro, dcId: 4, testMode: true })),
    "bad_dc_id",
  ],
  ["Pyrogram: dc id 0", text(pyrogramString("old", { ...pyro, dcId: 0 })), "bad_dc_id"],
  [
    "Pyrogram: all-zero key",
    text(pyrogramString("old64", { ...pyro, key: Buffer.alloc(256) })),
    "empty_auth_key",
  ],
  // Text and bytes of no known kind
  ["plain words", text("hello world"), "unknown_format"],
  ["whitespace only", text("  \n "), "unknown_format"],
  [
    "random bytes",
    parse({ bytes: Uint8Array.from({ length: 512 }, (_, i) => (i * 97 + 13) & 0xff) }),
    "unknown_format",
  ],
  [
    "random bytes named .session",
    parse({ bytes: new Uint8Array(512).fill(0x9c), filename: "a.session" }),
    "not_sqlite",
  ],
  ["text and bytes at once", parse({ text: gramjs, bytes: new Uint8Array(1) }), "unknown_format"],
  ["6 MB file", parse({ bytes: new Uint8Array(6 * 1024 * 1024) }), "too_large"],
  ["6 MB text", text("A".repeat(6 * 1024 * 1024)), "too_large"],
  // SQLite
  [
    "SQLite of another schema",
    async () => detectAndParse({ bytes: await buildSqlite("create table users(id, name)", []) }),
    "unknown_sqlite_schema",
  ],
  [
    "SQLite header then garbage",
    parse({ bytes: Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(2000, 0xab)]) }),
    "corrupt_sqlite",
  ],
  [
    "Telethon SQLite: empty auth_key",
    async () => detectAndParse({ bytes: await telethonRow([2, ADDRESS, 443, new Uint8Array(0), null]) }),
    "empty_auth_key",
  ],
  [
    "Telethon SQLite: NULL auth_key",
    async () => detectAndParse({ bytes: await telethonRow([2, ADDRESS, 443, null, null]) }),
    "empty_auth_key",
  ],
  [
    "Telethon SQLite: 100-byte key",
    async () => detectAndParse({ bytes: await telethonRow([2, ADDRESS, 443, makeAuthKey(1, 100), null]) }),
    "bad_key_length",
  ],
  [
    "Telethon SQLite: key stored as text",
    async () => detectAndParse({ bytes: await telethonRow([2, ADDRESS, 443, "abc", null]) }),
    "bad_field",
  ],
  [
    "Telethon SQLite: no row",
    async () => detectAndParse({ bytes: await buildSqlite(TELETHON_V7_SCHEMA(), []) }),
    "no_session",
  ],
  [
    "Telethon SQLite: two rows",
    async () =>
      detectAndParse({
        bytes: await buildSqlite(TELETHON_V7_SCHEMA(), [
          ["insert into sessions values (?, ?, ?, ?, ?)", [1, ADDRESS, 443, key, null]],
          ["insert into sessions values (?, ?, ?, ?, ?)", [2, ADDRESS, 443, key, null]],
        ]),
      }),
    "multiple_sessions",
  ],
  [
    "Pyrogram SQLite: dc id 7",
    async () =>
      detectAndParse({
        bytes: await buildSqlite(PYROGRAM_SCHEMA(), [
          ["INSERT INTO sessions VALUES (7, 1, 0, ?, 0, 5, 0)", [key]],
        ]),
      }),
    "bad_dc_id",
  ],
  // JSON
  ["JSON: not JSON", parse({ text: "{session_string: 1", filename: "x.json" }), "bad_json"],
  ["JSON: unknown object", text('{"foo": 1}'), "unknown_json_shape"],
  ["JSON: array", text(`["${gramjs}"]`), "unknown_json_shape"],
  [
    "JSON: descriptor with an extra key",
    text(JSON.stringify({ session_string: gramjs, password: "x" })),
    "unknown_json_shape",
  ],
  [
    "JSON: descriptor api_id not numeric",
    text(JSON.stringify({ session_string: gramjs, api_id: "abc" })),
    "bad_field",
  ],
  [
    "JSON: descriptor api_hash not hex",
    text(JSON.stringify({ session_string: gramjs, api_hash: "xyz" })),
    "bad_field",
  ],
  [
    "JSON: descriptor with a truncated string",
    text(JSON.stringify({ session_string: telethon.slice(0, 300) })),
    "truncated",
  ],
  [
    "JSON: descriptor api_id disagrees with its Pyrogram string",
    text(JSON.stringify({ session_string: pyrogramString("current", { ...pyro, apiId: 111 }), api_id: 222 })),
    "bad_field",
  ],
  [
    "JSON: sidecar without a session",
    text(JSON.stringify({ app_id: 1, app_hash: "0".repeat(32), session_file: "x" })),
    "sidecar_without_session",
  ],
  ["JSON: sidecar of the wrong shape", parse({ text: gramjs, sidecar: '{"foo": 1}' }), "unknown_json_shape"],
  // Export
  [
    "export: GramJS port above 32767",
    async () => serialize({ ...session, port: 40000 }, "gramjs"),
    "not_exportable",
  ],
  [
    "export: Telethon with a host name",
    async () => serialize({ ...session, address: "dc2.example.org" }, "telethon"),
    "not_exportable",
  ],
  ["export: Pyrogram without user id", async () => serialize(session, "pyrogram"), "not_exportable"],
  [
    "export: 100-byte key",
    async () => serialize({ ...session, authKey: new Uint8Array(100).fill(1) }, "gramjs"),
    "bad_key_length",
  ],
  ["export: unknown format", async () => serialize(session, "tdata" as never), "unknown_format"],
];

/** Fragments of secret material that must never appear in an error message. */
const secrets = [
  key.toString("hex").slice(0, 16),
  key.toString("base64").slice(4, 20),
  gramjs.slice(8, 24),
  telethon.slice(8, 24),
];

describe("malformed inputs each get their stable code", () => {
  it(`covers at least 30 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("%s", async (_name, run, code) => {
    const error = await run().then(
      () => expect.unreachable("expected a TelegramSessionError"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TelegramSessionError);
    expect(error).toBeInstanceOf(SessionvaultError);
    const typed = error as TelegramSessionError;
    expect(typed.code).toBe(`telegram.session.${code}`);
    expect(typed.status).toBe(code === "too_large" ? 400 : 422);
    expect(typed.message.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(typed.message).not.toContain(secret);
  });
});
