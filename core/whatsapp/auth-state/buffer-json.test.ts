import { randomBytes } from "node:crypto";
import { BufferJSON, initAuthCreds, proto } from "@whiskeysockets/baileys";
import { describe, expect, it } from "vitest";
import { bufferReplacer, bufferReviver } from "./buffer-json.js";

/** Every shape Baileys stores, plus the odd ones its reviver special-cases. */
const corpus: unknown[] = [
  initAuthCreds(),
  { ...initAuthCreds(), routingInfo: randomBytes(9), me: { id: "1:2@s.whatsapp.net", lid: "3:4@lid" } },
  randomBytes(300),
  new Uint8Array([0, 1, 255]),
  { public: randomBytes(32), private: new Uint8Array(randomBytes(32)) },
  proto.Message.AppStateSyncKeyData.fromObject({ keyData: randomBytes(32), timestamp: 1 }).toJSON(),
  { type: "Buffer", data: [1, 2, 3] },
  { type: "Buffer", data: "aGVsbG8=" },
  { "0": 1, "1": 2, "7": 255 },
  { "0": 1, x: 2 },
  { "12": "a" },
  {},
  [],
  ["0", "3"],
  "123456789@lid",
  { "120363@g.us": { "49176:3@s.whatsapp.net": true } },
  { version: 3, hash: randomBytes(128), indexValueMap: { abc: { valueMac: randomBytes(32) } } },
  { token: randomBytes(20), timestamp: "1700000000" },
];

describe("BufferJSON copy", () => {
  it("serialises exactly like Baileys' BufferJSON.replacer", () => {
    for (const value of corpus)
      expect(JSON.stringify(value, bufferReplacer)).toBe(JSON.stringify(value, BufferJSON.replacer));
  });

  it("revives exactly like Baileys' BufferJSON.reviver", () => {
    for (const value of corpus) {
      for (const text of [JSON.stringify(value, BufferJSON.replacer), JSON.stringify(value)]) {
        expect(JSON.parse(text, bufferReviver)).toEqual(JSON.parse(text, BufferJSON.reviver));
      }
    }
  });
});
