import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authKeyIdOf } from "./crypto-utils.js";
import { startTelegramPeer, type TelegramPeer } from "./peer.js";

describe("peer control API", () => {
  let peer: TelegramPeer;
  beforeAll(async () => {
    peer = await startTelegramPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${peer.controlUrl}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("creates and updates accounts, with optional 2FA", async () => {
    const created = await call("PUT", "/accounts/+1%20555%200200001", { password: "pw", firstName: "Bob" });
    expect(created).toMatchObject({ status: 200, body: { phone: "15550200001", hasPassword: true } });
    const cleared = await call("PUT", "/accounts/15550200001", { password: null });
    expect(cleared.body).toMatchObject({ userId: created.body.userId, hasPassword: false });
    expect((await call("PUT", "/accounts/1", { password: 5 })).status).toBe(400);
  });

  it("answers 404 for a phone without a code and validates its inputs", async () => {
    expect((await call("GET", "/codes?phone=15550209999")).status).toBe(404);
    expect((await call("POST", "/flood", { phone: "1555", seconds: -1 })).status).toBe(400);
    expect((await call("POST", "/keys", { authKeyHex: "abcd" })).status).toBe(400);
    expect((await call("POST", "/revoke", {})).status).toBe(400);
    expect((await call("GET", "/nope")).status).toBe(404);
  });

  it("registers auth keys in minimal form and reports their id", async () => {
    const key = Buffer.concat([Buffer.from([0]), randomBytes(255)]);
    const res = await call("POST", "/keys", { authKeyHex: key.toString("hex"), phone: "15550200002" });
    expect(res.body.authKeyId).toBe(authKeyIdOf(key.subarray(1)));
    expect((await call("POST", "/revoke", { phone: "15550200002" })).body).toEqual({ revoked: 1 });
  });

  it("reports stats and accepts flood and expire for phones without codes", async () => {
    expect((await call("POST", "/flood", { phone: "15550200003", seconds: 30 })).body).toEqual({ ok: true });
    expect((await call("POST", "/expire", { phone: "15550200003" })).body).toEqual({ expired: false });
    const stats = await call("GET", "/stats");
    expect(stats.body).toMatchObject({ sendCode: {}, liveConnections: {} });
  });
});
