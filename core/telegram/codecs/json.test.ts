import { describe, expect, it } from "vitest";
import { detectAndParse } from "./index.js";
import {
  buildSqlite,
  gramjsString,
  makeAuthKey,
  pyrogramString,
  TELETHON_V7_SCHEMA,
  telethonString,
} from "./test-fixtures.js";

const key = makeAuthKey(21);
const apiHash = "0123456789abcdef0123456789abcdef";
const telethon = telethonString(2, [149, 154, 167, 51], 443, key);
const base = { dcId: 2, address: "149.154.167.51", port: 443, authKey: new Uint8Array(key) };

describe("seed 002 JSON descriptor", () => {
  it("reads the seed's shape, ids as strings", async () => {
    const text = JSON.stringify({
      account_id: "8312419180",
      phone_number: "+573025288905",
      session_string: telethon,
      api_id: "12345",
      api_hash: apiHash,
    });
    expect(await detectAndParse({ text })).toEqual({
      format: "descriptor",
      session: { ...base, accountId: "8312419180", phoneNumber: "+573025288905", apiId: 12345, apiHash },
    });
  });

  it("reads it from file bytes with a .json name, ids as numbers, any embedded string format", async () => {
    const json = {
      session_string: gramjsString(2, "149.154.167.51", 443, key),
      api_id: 12345,
      account_id: 42,
    };
    const parsed = await detectAndParse({
      bytes: Buffer.from(JSON.stringify(json)),
      filename: "573025288905.json",
    });
    expect(parsed).toEqual({ format: "descriptor", session: { ...base, apiId: 12345, accountId: "42" } });
  });

  it("accepts a matching api_id from an embedded Pyrogram string", async () => {
    const session_string = pyrogramString("current", {
      dcId: 2,
      apiId: 12345,
      testMode: false,
      key,
      userId: 7n,
      isBot: false,
    });
    const { session } = await detectAndParse({ text: JSON.stringify({ session_string, api_id: "12345" }) });
    expect(session).toMatchObject({ apiId: 12345, userId: "7" });
  });
});

describe("opentele JSON sidecar", () => {
  const sidecar = {
    session_file: "573025288905",
    phone: "573025288905",
    app_id: 2040,
    app_hash: apiHash,
    sdk: "Windows 10",
    app_version: "4.8.1 x64",
    device: "Desktop",
    id: 8312419180,
    twoFA: "not-a-real-password",
    first_name: "A",
  };

  it("reads an embedded session_string with its metadata, never keeping twoFA", async () => {
    const parsed = await detectAndParse({ text: JSON.stringify({ ...sidecar, session_string: telethon }) });
    expect(parsed).toEqual({
      format: "opentele",
      session: { ...base, apiId: 2040, apiHash, userId: "8312419180", phoneNumber: "573025288905" },
    });
    expect(JSON.stringify(parsed)).not.toContain("not-a-real-password");
  });

  it("merges a sidecar into the .session file it accompanies", async () => {
    const bytes = await buildSqlite(TELETHON_V7_SCHEMA(), [
      ["insert into sessions values (?, ?, ?, ?, ?)", [2, "149.154.167.51", 443, key, null]],
    ]);
    const parsed = await detectAndParse({
      bytes,
      filename: "573025288905.session",
      sidecar: JSON.stringify(sidecar),
    });
    expect(parsed).toEqual({
      format: "telethon-sqlite",
      session: { ...base, apiId: 2040, apiHash, userId: "8312419180", phoneNumber: "573025288905" },
    });
  });
});
