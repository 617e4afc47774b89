import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { detectAndParse, type SessionInput, serialize } from "./index.js";
import {
  buildSqlite,
  gramjsString,
  KURIGRAM_SCHEMA,
  makeAuthKey,
  PYROGRAM_SCHEMA,
  pyrogramString,
  TELETHON_V7_SCHEMA,
  TELETHON_V10_SCHEMA,
  telethonString,
} from "./test-fixtures.js";

const key = makeAuthKey(45);
const v6 = [0x20, 0x01, 0x0b, 0x28, 0xf2, 0x3d, 0xf0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x0a];
const pyro = { dcId: 2, apiId: 123456, testMode: false, key, userId: 777000n, isBot: false };
const hash = "0123456789abcdef0123456789abcdef";

/** One input per format (and per layout), built from the byte layouts in test-fixtures. */
const inputs: [string, () => Promise<SessionInput>][] = [
  ["gramjs", async () => ({ text: gramjsString(2, "149.154.167.51", 443, key) })],
  ["telethon IPv4", async () => ({ text: telethonString(2, [149, 154, 167, 51], 443, key) })],
  ["telethon IPv6", async () => ({ text: telethonString(1, v6, 443, key) })],
  ["pyrogram current", async () => ({ text: pyrogramString("current", pyro) })],
  ["pyrogram old", async () => ({ text: pyrogramString("old", pyro) })],
  ["pyrogram old64", async () => ({ text: pyrogramString("old64", pyro) })],
  [
    "telethon-sqlite v7",
    async () => ({
      bytes: await buildSqlite(TELETHON_V7_SCHEMA(), [
        ["insert into sessions values (?, ?, ?, ?, ?)", [4, "149.154.167.91", 443, key, null]],
      ]),
    }),
  ],
  [
    "telethon-sqlite v10",
    async () => ({
      bytes: await buildSqlite(TELETHON_V10_SCHEMA, [
        ["insert into datacenter values (?, ?, ?)", [5, "91.108.56.130:443", key]],
      ]),
    }),
  ],
  [
    "pyrogram-sqlite",
    async () => ({
      bytes: await buildSqlite(PYROGRAM_SCHEMA(), [
        ["INSERT INTO sessions VALUES (3, 1, 0, ?, 0, 42, 0)", [key]],
      ]),
    }),
  ],
  [
    "kurigram",
    async () => ({
      bytes: await buildSqlite(KURIGRAM_SCHEMA, [
        ["INSERT INTO sessions VALUES (2, '149.154.167.50', 443, 1, 0, ?, 0, 42, 0)", [key]],
      ]),
    }),
  ],
  [
    "descriptor",
    async () => ({
      text: JSON.stringify({ session_string: gramjsString(2, "149.154.167.51", 443, key), api_id: "1" }),
    }),
  ],
  [
    "opentele",
    async () => ({
      text: JSON.stringify({
        app_id: 123456,
        app_hash: hash,
        id: 777000,
        session_string: pyrogramString("current", pyro),
      }),
    }),
  ],
];

describe("every imported format round-trips through every export format", () => {
  it.each(inputs)("%s", async (_name, build) => {
    const { session } = await detectAndParse(await build());
    const core = {
      dcId: session.dcId,
      address: session.address,
      port: session.port,
      authKey: session.authKey,
    };

    const gramjsText = serialize(session, "gramjs");
    expect((await detectAndParse({ text: gramjsText })).session).toEqual(core);
    const gramjs = new StringSession(gramjsText);
    await gramjs.load();
    expect(gramjs.dcId).toBe(session.dcId);
    expect(gramjs.serverAddress).toBe(session.address);
    expect(gramjs.port).toBe(session.port);
    expect(Buffer.from(gramjs.getAuthKey()?.getKey() ?? [])).toEqual(Buffer.from(session.authKey));

    expect((await detectAndParse({ text: serialize(session, "telethon") })).session).toEqual(core);

    const withUser = { ...session, userId: session.userId ?? "777000" };
    const viaPyrogram = (await detectAndParse({ text: serialize(withUser, "pyrogram") })).session;
    expect(viaPyrogram).toMatchObject({
      dcId: session.dcId,
      authKey: session.authKey,
      userId: withUser.userId,
    });
  });
});

describe("IPv6 text forms", () => {
  it.each([
    ["2001:0b28:f23d:f001:0000:0000:0000:000a", "2001:b28:f23d:f001::a"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["::1", "::1"],
    ["::ffff:1.2.3.4", "::ffff:102:304"],
  ])("%s is packed and read back as %s (Python ipaddress.compressed)", async (address, compressed) => {
    const text = serialize({ dcId: 2, address, port: 443, authKey: new Uint8Array(key) }, "telethon");
    expect((await detectAndParse({ text })).session.address).toBe(compressed);
  });
});
