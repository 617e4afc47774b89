import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { detectAndParse, serialize, type TelegramSessionData } from "./index.js";
import { gramjsString, makeAuthKey, pyrogramString, telethonString } from "./test-fixtures.js";

const key = makeAuthKey(7);
const parseText = (text: string) => detectAndParse({ text });

/** What GramJS itself reads from a string. */
async function readWithGramjs(text: string) {
  const session = new StringSession(text);
  await session.load();
  return {
    dcId: session.dcId,
    address: session.serverAddress,
    port: session.port,
    authKey: Buffer.from(session.getAuthKey()?.getKey() ?? []),
  };
}

describe("GramJS strings", () => {
  it.each([
    [2, "149.154.167.51", 443],
    [4, "149.154.167.91", 80],
    [1, "2001:b28:f23d:f001::a", 443],
    [5, "dc5.example.org", 32767],
  ])("parses dc %i at %s:%i", async (dcId, address, port) => {
    const text = gramjsString(dcId, address, port, key);
    const parsed = await parseText(text);
    expect(parsed.format).toBe("gramjs");
    expect(parsed.session).toEqual({ dcId, address, port, authKey: new Uint8Array(key) });
    expect(serialize(parsed.session, "gramjs")).toBe(text);
  });

  it("pads a 255-byte GramJS-minimal key to the canonical 256 bytes", async () => {
    const minimal = makeAuthKey(3, 255);
    const { session } = await parseText(gramjsString(2, "149.154.167.51", 443, minimal));
    expect(session.authKey.length).toBe(256);
    expect(session.authKey[0]).toBe(0);
    expect(Buffer.from(session.authKey.subarray(1))).toEqual(minimal);
  });

  it("reads a port above 32767 as unsigned but refuses to export it to GramJS", async () => {
    const { session } = await parseText(gramjsString(2, "149.154.167.51", 40000, key));
    expect(session.port).toBe(40000);
    expect(() => serialize(session, "gramjs")).toThrowError(
      expect.objectContaining({ code: "telegram.session.not_exportable" }),
    );
  });

  it("keeps a 14-char address GramJS string (369 chars, Telethon IPv6 length) as GramJS", async () => {
    const text = gramjsString(3, "149.154.175.10", 443, key);
    expect(text.length).toBe(369);
    const parsed = await parseText(text);
    expect(parsed.format).toBe("gramjs");
    expect(parsed.session.address).toBe("149.154.175.10");
  });
});

describe("GramJS StringSession reads every GramJS string we export", () => {
  const sessions: TelegramSessionData[] = [
    { dcId: 1, address: "149.154.175.53", port: 443, authKey: makeAuthKey(1) },
    { dcId: 2, address: "149.154.167.51", port: 80, authKey: makeAuthKey(2) },
    { dcId: 3, address: "149.154.175.117", port: 443, authKey: makeAuthKey(3), testMode: true },
    { dcId: 4, address: "2001:67c:4e8:f004::a", port: 443, authKey: makeAuthKey(4) },
    { dcId: 5, address: "91.108.56.130", port: 32767, authKey: makeAuthKey(5) },
  ];
  it.each(sessions)("dc $dcId at $address", async (session) => {
    const gramjs = await readWithGramjs(serialize(session, "gramjs"));
    expect(gramjs).toEqual({
      dcId: session.dcId,
      address: session.address,
      port: session.port,
      authKey: Buffer.from(session.authKey),
    });
  });

  it("the padded form of a minimal key is what GramJS gets", async () => {
    const { session } = await parseText(gramjsString(2, "149.154.167.51", 443, makeAuthKey(9, 255)));
    const gramjs = await readWithGramjs(serialize(session, "gramjs"));
    expect(gramjs.authKey).toEqual(Buffer.from(session.authKey));
  });
});

describe("Telethon strings", () => {
  it("parses IPv4 (353 chars) and round-trips", async () => {
    const text = telethonString(2, [149, 154, 167, 51], 443, key);
    expect(text.length).toBe(353);
    const parsed = await parseText(text);
    expect(parsed).toEqual({
      format: "telethon",
      session: { dcId: 2, address: "149.154.167.51", port: 443, authKey: new Uint8Array(key) },
    });
    expect(serialize(parsed.session, "telethon")).toBe(text);
  });

  it("parses IPv6 (369 chars) to the compressed address and round-trips", async () => {
    const ip = [0x20, 0x01, 0x06, 0x7c, 0x04, 0xe8, 0xf0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x0a];
    const text = telethonString(4, ip, 443, key);
    expect(text.length).toBe(369);
    const parsed = await parseText(text);
    expect(parsed.format).toBe("telethon");
    expect(parsed.session.address).toBe("2001:67c:4e8:f002::a");
    expect(serialize(parsed.session, "telethon")).toBe(text);
  });

  it("GramJS reads our Telethon IPv4 export like we do", async () => {
    const { session } = await parseText(telethonString(5, [91, 108, 56, 130], 443, key));
    const gramjs = await readWithGramjs(serialize(session, "telethon"));
    expect(gramjs).toMatchObject({ dcId: 5, address: "91.108.56.130", port: 443, authKey: key });
  });

  it("converts GramJS → Telethon → GramJS without loss", async () => {
    const original = gramjsString(2, "149.154.167.51", 443, key);
    const { session } = await parseText(original);
    const viaTelethon = await parseText(serialize(session, "telethon"));
    expect(serialize(viaTelethon.session, "gramjs")).toBe(original);
  });
});

describe("Pyrogram strings", () => {
  const fields = { dcId: 2, apiId: 123456, testMode: false, key, userId: 777000n, isBot: false };

  it("parses the current layout (362 chars) and round-trips", async () => {
    const text = pyrogramString("current", fields);
    expect(text.length).toBe(362);
    const parsed = await parseText(text);
    expect(parsed).toEqual({
      format: "pyrogram",
      session: {
        dcId: 2,
        address: "149.154.167.51",
        port: 443,
        authKey: new Uint8Array(key),
        apiId: 123456,
        testMode: false,
        isBot: false,
        userId: "777000",
      },
    });
    expect(serialize(parsed.session, "pyrogram")).toBe(text);
  });

  it.each([
    ["old", 351, 12345n],
    ["old64", 356, 2n ** 63n + 5n],
  ] as const)("parses the %s layout (%i chars)", async (layout, chars, userId) => {
    const text = pyrogramString(layout, { ...fields, userId, isBot: true, dcId: 5 });
    expect(text.length).toBe(chars);
    const { format, session } = await parseText(text);
    expect(format).toBe("pyrogram");
    expect(session).toEqual({
      dcId: 5,
      address: "91.108.56.130",
      port: 443,
      authKey: new Uint8Array(key),
      testMode: false,
      isBot: true,
      userId: userId.toString(),
    });
    const rewritten = await parseText(serialize(session, "pyrogram"));
    expect(rewritten.session).toEqual(session);
  });

  it("maps test mode to the test DC address on port 80", async () => {
    const { session } = await parseText(pyrogramString("current", { ...fields, dcId: 3, testMode: true }));
    expect(session).toMatchObject({ dcId: 3, address: "149.154.175.117", port: 80, testMode: true });
  });

  it("exports a GramJS session to Pyrogram once the user id is known", async () => {
    const { session } = await parseText(gramjsString(2, "149.154.167.51", 443, key));
    const text = serialize({ ...session, userId: "777000", apiId: 123456 }, "pyrogram");
    expect(text).toBe(pyrogramString("current", fields));
  });
});
