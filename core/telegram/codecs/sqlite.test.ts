import { describe, expect, it } from "vitest";
import { detectAndParse, serialize } from "./index.js";
import {
  buildSqlite,
  KURIGRAM_SCHEMA,
  makeAuthKey,
  PYROGRAM_SCHEMA,
  TELETHON_V7_SCHEMA,
  TELETHON_V10_SCHEMA,
} from "./test-fixtures.js";

const key = makeAuthKey(11);

describe("Telethon .session (SQLite)", () => {
  it.each([
    ["v7 (with takeout_id)", true],
    ["pre-v5 (no takeout_id)", false],
  ])("reads %s by column name", async (_label, withTakeout) => {
    const columns = withTakeout
      ? "(dc_id, server_address, port, auth_key, takeout_id)"
      : "(dc_id, server_address, port, auth_key)";
    const values = withTakeout ? [2, "149.154.167.51", 443, key, null] : [2, "149.154.167.51", 443, key];
    const bytes = await buildSqlite(TELETHON_V7_SCHEMA(withTakeout), [
      ["insert into version values (?)", [withTakeout ? 7 : 4]],
      [`insert into sessions ${columns} values (${values.map(() => "?").join(", ")})`, values],
      ["insert into entities values (?, ?, ?, ?, ?, ?)", [777000, 1, "telegram", null, "Telegram", 0]],
    ]);
    const parsed = await detectAndParse({ bytes, filename: "573025288905.session" });
    expect(parsed).toEqual({
      format: "telethon-sqlite",
      session: { dcId: 2, address: "149.154.167.51", port: 443, authKey: new Uint8Array(key) },
    });
  });

  it("reads an IPv6 server address and exports it to Telethon and GramJS", async () => {
    const bytes = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["insert into version values (7)", []],
      ["insert into sessions values (?, ?, ?, ?, ?)", [4, "2001:67c:4e8:f004::a", 443, key, null]],
    ]);
    const { session } = await detectAndParse({ bytes });
    const viaTelethon = await detectAndParse({ text: serialize(session, "telethon") });
    const viaGramjs = await detectAndParse({ text: serialize(session, "gramjs") });
    expect(viaTelethon.session).toEqual(session);
    expect(viaGramjs.session).toEqual(session);
  });

  it("leaves the input bytes untouched", async () => {
    const bytes = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["insert into sessions values (?, ?, ?, ?, ?)", [1, "149.154.175.53", 443, key, null]],
    ]);
    const before = Buffer.from(bytes);
    await detectAndParse({ bytes });
    expect(Buffer.from(bytes)).toEqual(before);
  });

  it("accepts a 255-byte GramJS-minimal key BLOB, padded", async () => {
    const minimal = makeAuthKey(5, 255);
    const bytes = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["insert into sessions values (?, ?, ?, ?, ?)", [1, "149.154.175.53", 443, minimal, null]],
    ]);
    const { session } = await detectAndParse({ bytes });
    expect(Buffer.from(session.authKey)).toEqual(Buffer.concat([Buffer.alloc(1), minimal]));
  });

  it("reads Telethon v2 (version 10): home DC from the user table", async () => {
    const bytes = await buildSqlite(TELETHON_V10_SCHEMA, [
      ["insert into version values (10)", []],
      ["insert into datacenter values (?, ?, ?)", [2, "149.154.167.51:443", makeAuthKey(1)]],
      ["insert into datacenter values (?, ?, ?)", [4, "149.154.167.91:443", key]],
      ["insert into user values (?, ?, ?)", [2n ** 40n, 4, 0]],
    ]);
    expect(await detectAndParse({ bytes })).toEqual({
      format: "telethon-sqlite",
      session: {
        dcId: 4,
        address: "149.154.167.91",
        port: 443,
        authKey: new Uint8Array(key),
        userId: String(2n ** 40n),
        isBot: false,
      },
    });
  });

  it("reads Telethon v2 without a user row when exactly one DC has a key", async () => {
    const bytes = await buildSqlite(TELETHON_V10_SCHEMA, [
      ["insert into version values (10)", []],
      ["insert into datacenter values (?, ?, ?)", [1, "149.154.175.53:443", null]],
      ["insert into datacenter values (?, ?, ?)", [2, "149.154.167.51:443", key]],
    ]);
    const { session } = await detectAndParse({ bytes });
    expect(session).toMatchObject({ dcId: 2, address: "149.154.167.51", port: 443 });
  });

  it("reads the Telethon v2 variant with ipv4_addr / ipv6_addr columns", async () => {
    const schema = TELETHON_V10_SCHEMA.replace("addr text not null", "ipv4_addr text, ipv6_addr text");
    const bytes = await buildSqlite(schema, [
      ["insert into datacenter values (?, ?, ?, ?)", [5, null, "[2001:b28:f23f:f005::a]:443", key]],
    ]);
    const { session } = await detectAndParse({ bytes });
    expect(session).toMatchObject({ dcId: 5, address: "2001:b28:f23f:f005::a", port: 443 });
  });
});

describe("Pyrogram and Kurigram .session (SQLite)", () => {
  it("reads Pyrogram storage v3", async () => {
    const bytes = await buildSqlite(PYROGRAM_SCHEMA(), [
      ["INSERT INTO version VALUES (3)", []],
      [
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [2, 123456, 0, key, 1700000000, 2n ** 62n + 1n, 0],
      ],
    ]);
    const parsed = await detectAndParse({ bytes, filename: "my_account.session" });
    expect(parsed).toEqual({
      format: "pyrogram-sqlite",
      session: {
        dcId: 2,
        address: "149.154.167.51",
        port: 443,
        authKey: new Uint8Array(key),
        apiId: 123456,
        testMode: false,
        userId: String(2n ** 62n + 1n),
        isBot: false,
      },
    });
    const exported = await detectAndParse({ text: serialize(parsed.session, "pyrogram") });
    expect(exported.session).toEqual(parsed.session);
  });

  it("reads Pyrogram storage v2 (no api_id) in test mode", async () => {
    const bytes = await buildSqlite(PYROGRAM_SCHEMA(false), [
      ["INSERT INTO version VALUES (2)", []],
      ["INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)", [1, 1, key, 1700000000, 42, 1]],
    ]);
    const { session } = await detectAndParse({ bytes });
    expect(session).toEqual({
      dcId: 1,
      address: "149.154.175.10",
      port: 80,
      authKey: new Uint8Array(key),
      testMode: true,
      userId: "42",
      isBot: true,
    });
  });

  it("reads Kurigram v7 with its own server_address and port", async () => {
    const bytes = await buildSqlite(KURIGRAM_SCHEMA, [
      ["INSERT INTO version VALUES (7)", []],
      [
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [2, "149.154.167.50", 5222, 123456, 0, key, 1700000000, 99, 0],
      ],
    ]);
    const { format, session } = await detectAndParse({ bytes });
    expect(format).toBe("pyrogram-sqlite");
    expect(session).toMatchObject({
      dcId: 2,
      address: "149.154.167.50",
      port: 5222,
      userId: "99",
      apiId: 123456,
    });
  });

  it("falls back to the DC table when Kurigram's server_address is NULL", async () => {
    const bytes = await buildSqlite(KURIGRAM_SCHEMA, [
      ["INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [5, null, null, 1, 0, key, 1, 99, 0]],
    ]);
    const { session } = await detectAndParse({ bytes });
    expect(session).toMatchObject({ dcId: 5, address: "91.108.56.130", port: 443 });
  });
});
