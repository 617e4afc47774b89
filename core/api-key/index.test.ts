import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../storage/memory.js";
import * as ApiKey from "./index.js";

const ctx = () => ({ storage: createMemoryStorage(), clock: () => Date.UTC(2026, 0, 1) });

describe("ApiKey", () => {
  it("create -> fromSecret round trip; the secret is never stored", async () => {
    const c = ctx();
    const key = await ApiKey.create(c, { tenantId: "ten_X", scopes: ["export"] });
    expect(await ApiKey.fromSecret(c, key.apiKey)).toEqual({
      keyId: key.keyId,
      tenantId: "ten_X",
      scopes: ["export"],
    });
    const page = await c.storage.records.query("t#ten_X");
    expect(JSON.stringify(page.items)).not.toContain(key.apiKey.slice(3));
    expect(page.items[0]?.attrs.createdAt).toBe("2026-01-01T00:00:00.000Z");
  });

  it("malformed secrets are rejected without a storage read", async () => {
    const c = ctx();
    let reads = 0;
    const get = c.storage.records.get.bind(c.storage.records);
    c.storage.records.get = (k) => {
      reads++;
      return get(k);
    };
    for (const s of ["", "sv_short", `xx_${"A".repeat(43)}`, `sv_${"A".repeat(42)}!`]) {
      expect(await ApiKey.fromSecret(c, s)).toBeNull();
    }
    expect(reads).toBe(0);
  });

  it("revoke is immediate and idempotent; an unknown key is api_key.not_found", async () => {
    const c = ctx();
    const key = await ApiKey.create(c, { tenantId: "ten_X" });
    await ApiKey.revoke(c, { tenantId: "ten_X", keyId: key.keyId });
    expect(await ApiKey.fromSecret(c, key.apiKey)).toBeNull();
    await ApiKey.revoke(c, { tenantId: "ten_X", keyId: key.keyId });
    await expect(ApiKey.revoke(c, { tenantId: "ten_Y", keyId: key.keyId })).rejects.toMatchObject({
      code: "api_key.not_found",
      status: 404,
    });
  });

  it("a stored scope this version does not know grants nothing", async () => {
    const c = ctx();
    const key = await ApiKey.create(c, { tenantId: "ten_X", scopes: ["export"] });
    const lookup = { pk: `apikey#${ApiKey.hashSecret(key.apiKey)}`, sk: "apikey" };
    await c.storage.records.update(lookup, { set: { scopes: ["export", "godmode"] } });
    expect((await ApiKey.fromSecret(c, key.apiKey))?.scopes).toEqual([]);
  });
});
