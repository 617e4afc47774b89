import { randomBytes } from "node:crypto";
import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { BlobCorruptError } from "../../error.js";
import { serialize } from "../codecs/index.js";
import { decodeSecret, encodeSecret, secretFromLogin, toClientString, toSessionData } from "./secret.js";

/** The stored secret keeps GramJS's key bytes as they are; export pads them. */
describe("session secrets", () => {
  /** A GramJS string as `save()` writes it, here with a 255-byte (minimal) key. */
  function gramjs(key: Buffer): string {
    const address = Buffer.from("127.0.0.1");
    const head = Buffer.alloc(3);
    head.writeUInt8(2, 0);
    head.writeInt16BE(address.length, 1);
    const port = Buffer.from([0x01, 0xbb]);
    return `1${Buffer.concat([head, address, port, key]).toString("base64")}`;
  }
  const creds = { apiId: 7, apiHash: "a".repeat(32), userId: "1000001" };

  it("a 255-byte GramJS key is kept as is for the client, padded only for export", async () => {
    const key = randomBytes(255);
    key[0] = key[0] || 1;
    const secret = await secretFromLogin(gramjs(key), creds);
    expect(secret.authKey.length).toBe(255);
    const client = new StringSession(toClientString(secret));
    expect(Buffer.from((client as unknown as { _key: Buffer })._key).equals(key)).toBe(true);
    expect(client.dcId).toBe(2);
    const exported = new StringSession(serialize(toSessionData(secret), "gramjs"));
    expect(
      Buffer.from((exported as unknown as { _key: Buffer })._key).equals(
        Buffer.concat([Buffer.alloc(1), key]),
      ),
    ).toBe(true);
  });

  it("a port above GramJS's int16 is written as 443 for the client", async () => {
    const secret = { dcId: 2, address: "1.2.3.4", port: 40000, authKey: randomBytes(256), ...creds };
    expect(new StringSession(toClientString(secret)).port).toBe(443);
  });

  it("encodes and decodes; a blob of another shape is corrupt, named", () => {
    const secret = { dcId: 4, address: "::1", port: 443, authKey: randomBytes(256), ...creds, isBot: false };
    const back = decodeSecret(encodeSecret(secret), "k");
    expect({ ...back, authKey: Buffer.from(back.authKey) }).toEqual({
      ...secret,
      authKey: Buffer.from(secret.authKey),
    });
    expect(() => decodeSecret(Buffer.from("{}"), "t/x/tg/y/session")).toThrow(BlobCorruptError);
  });
});
