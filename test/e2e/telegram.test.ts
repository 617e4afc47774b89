import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../helpers/closed-port.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { startReceiver } from "../helpers/webhook-receiver.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { telethonString } from "../telegram/fixtures.js";
import { createTelegramHarness, peerSettings, type TelegramHarness } from "../telegram/harness.js";

/**
 * Issue 6 must-shows, through the HTTP API with the real GramJS client against the local Telegram DC
 * peer, on both storage adapters: code → verify (with and without 2FA) → stored → a new app over the
 * same storage answers session_exists with no new sendCode → check alive → revoked → check dead;
 * every login failure reaches the caller as its own problem code; an imported Telethon string is alive.
 */
describe.each(ADAPTERS)("Telegram end to end through the API (%s)", (adapter) => {
  let peer: TelegramPeer;
  let store: TestStorage;
  let h: TelegramHarness;
  let apiKey: string;
  let tenantId: string;
  const masterKey = randomBytes(32);
  const phone = (n: number): string =>
    `+1555${adapter === "local" ? "03" : "04"}0${String(n).padStart(4, "0")}`;
  const digits = (p: string): string => p.replace(/\D/g, "");

  beforeAll(async () => {
    peer = await startTelegramPeer();
    store = await createTestStorage(adapter);
    h = createTelegramHarness(store.storage, peerSettings(peer), { masterKey });
    ({ apiKey, tenantId } = await h.tenant());
  });
  afterAll(async () => {
    await peer?.stop();
    await store?.dispose();
  });

  async function post(
    app: TelegramHarness,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: Problemish; res: Response }> {
    const res = await app.call(apiKey, "POST", `/v1/telegram/sessions${path}`, body);
    return { status: res.status, body: (await res.json()) as Problemish, res };
  }

  async function sendCode(p: string): Promise<string> {
    const sent = await post(h, "/code", { phoneNumber: p });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body).toMatchObject({ status: "code_sent", phoneNumber: p, isCodeViaApp: true });
    return sent.body.phoneCodeHash as string;
  }

  const codeOf = (p: string): string => peer.lastCode(p) ?? "missing";

  it("code → verify → stored → new app: session_exists, no new sendCode → check alive → revoked → dead", async () => {
    const p = phone(1);
    await peer.upsertAccount(p, { firstName: "Ada" });
    const phoneCodeHash = await sendCode(p);
    const code = codeOf(p);
    const verified = await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(201);
    expect(verified.body).toMatchObject({ phoneNumber: p, status: "active", format: "login", dcId: 2 });
    const { sessionId, accountId } = verified.body as { sessionId: string; accountId: string };
    expect(accountId).toMatch(/^\d+$/);
    expect(await store.storage.blobs.get(`t/${tenantId}/tg/${sessionId}/session`)).not.toBeNull();
    // The pending login is gone once used.
    expect((await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code })).body.code).toBe(
      "telegram.code_expired",
    );

    const restarted = createTelegramHarness(store.storage, peerSettings(peer), {
      masterKey,
    });
    const again = await post(restarted, "/code", { phoneNumber: p });
    expect(again.body).toEqual({ status: "session_exists", sessionId, accountId, phoneNumber: p });
    expect(peer.stats().sendCode[digits(p)]).toBe(1);

    expect((await post(restarted, `/${sessionId}/check`, {})).body).toEqual({ alive: true });
    // The tenant hears about a key found dead through its webhook.
    const receiver = await startReceiver(0);
    const hook = await restarted.call(apiKey, "POST", "/v1/webhooks", {
      url: receiver.url,
      events: ["telegram.session.dead"],
    });
    expect(hook.status).toBe(201);
    expect(peer.revoke(p)).toBeGreaterThan(0);
    expect((await post(restarted, `/${sessionId}/check`, {})).body).toEqual({
      alive: false,
      reason: "AUTH_KEY_UNREGISTERED",
    });
    await receiver.close();
    expect(receiver.received.map((r) => JSON.parse(r.body))).toEqual([
      expect.objectContaining({
        type: "telegram.session.dead",
        tenantId,
        data: { sessionId, reason: "AUTH_KEY_UNREGISTERED" },
      }),
    ]);
    const stored = await (await restarted.call(apiKey, "GET", `/v1/telegram/sessions/${sessionId}`)).json();
    expect(stored).toMatchObject({ status: "dead", deadReason: "AUTH_KEY_UNREGISTERED" });
    // A dead session is not usable: the next code request really sends a code.
    await sendCode(p);
    expect(peer.stats().sendCode[digits(p)]).toBe(2);
  });

  it("asking for a code checks the stored session first: a revoked key gets a new code, not session_exists (seed 002)", async () => {
    const p = phone(7);
    await peer.upsertAccount(p, { firstName: "Grace" });
    const phoneCodeHash = await sendCode(p);
    const verified = await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code: codeOf(p) });
    expect(verified.status, JSON.stringify(verified.body)).toBe(201);
    const { sessionId } = verified.body as { sessionId: string };
    // Still good: answered from storage after a getMe, no code sent.
    expect((await post(h, "/code", { phoneNumber: p })).body).toMatchObject({
      status: "session_exists",
      sessionId,
    });
    expect(peer.stats().sendCode[digits(p)]).toBe(1);

    expect(peer.revoke(p)).toBeGreaterThan(0);
    const receiver = await startReceiver(0);
    await h.call(apiKey, "POST", "/v1/webhooks", { url: receiver.url, events: ["telegram.session.dead"] });
    const again = await post(h, "/code", { phoneNumber: p });
    expect(again.body).toMatchObject({ status: "code_sent", phoneNumber: p });
    expect(peer.stats().sendCode[digits(p)]).toBe(2);
    const stored = await (await h.call(apiKey, "GET", `/v1/telegram/sessions/${sessionId}`)).json();
    expect(stored).toMatchObject({ status: "dead", deadReason: "AUTH_KEY_UNREGISTERED" });
    await receiver.close();
    expect(receiver.received.map((r) => JSON.parse(r.body).data)).toEqual([
      { sessionId, reason: "AUTH_KEY_UNREGISTERED" },
    ]);
  });

  it("2FA: password_required with the hint, then a wrong password, then the right one", async () => {
    const p = phone(2);
    await peer.upsertAccount(p, { password: "s3cret", hint: "pet's name" });
    const phoneCodeHash = await sendCode(p);
    const input = { phoneNumber: p, phoneCodeHash, code: codeOf(p) };
    const needed = await post(h, "/verify", input);
    expect([needed.status, needed.body.code, needed.body.hint]).toEqual([
      422,
      "telegram.password_required",
      "pet's name",
    ]);
    const wrong = await post(h, "/verify", { ...input, password: "nope" });
    expect([wrong.status, wrong.body.code]).toEqual([400, "telegram.password_invalid"]);
    const ok = await post(h, "/verify", { ...input, password: "s3cret" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await post(h, `/${ok.body.sessionId}/check`, {})).body).toEqual({ alive: true });
  });

  it("2FA in one call when the password comes with the code", async () => {
    const p = phone(3);
    await peer.upsertAccount(p, { password: "pw" });
    const phoneCodeHash = await sendCode(p);
    const ok = await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code: codeOf(p), password: "pw" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.accountId).toMatch(/^\d+$/);
  });

  it("wrong code, expired code, flood wait and an unreachable Telegram each get their own problem", async () => {
    const p = phone(4);
    const phoneCodeHash = await sendCode(p);
    const code = codeOf(p);
    const wrong = await post(h, "/verify", {
      phoneNumber: p,
      phoneCodeHash,
      code: code === "99999" ? "11111" : "99999",
    });
    expect([wrong.status, wrong.body.code]).toEqual([400, "telegram.code_invalid"]);

    // Telegram unreachable mid-login: 503, and the attempt survives for a retry.
    const offline = createTelegramHarness(
      store.storage,
      peerSettings(peer, `127.0.0.1:${await closedPort()}`),
      {
        masterKey,
      },
    );
    const down = await post(offline, "/verify", { phoneNumber: p, phoneCodeHash, code });
    expect([down.status, down.body.code]).toEqual([503, "telegram.unreachable"]);

    peer.flood(p, 42);
    const flood = await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code });
    expect([flood.status, flood.body.code, flood.body.retryAfter]).toEqual([429, "telegram.flood_wait", 42]);
    expect(flood.res.headers.get("retry-after")).toBe("42");

    peer.expireCode(p);
    const expired = await post(h, "/verify", { phoneNumber: p, phoneCodeHash, code });
    expect([expired.status, expired.body.code]).toEqual([400, "telegram.code_expired"]);

    const q = phone(5);
    peer.flood(q, 30);
    const floodOnSend = await post(h, "/code", { phoneNumber: q });
    expect([floodOnSend.status, floodOnSend.body.code, floodOnSend.res.headers.get("retry-after")]).toEqual([
      429,
      "telegram.flood_wait",
      "30",
    ]);

    // Our own pending-login TTL (10 min): past it, verify answers code_expired without asking Telegram.
    const hash = await sendCode(q);
    h.advance(10 * 60_000 + 1);
    const late = await post(h, "/verify", { phoneNumber: q, phoneCodeHash: hash, code: codeOf(q) });
    expect([late.status, late.body.code]).toEqual([400, "telegram.code_expired"]);
  });

  it("an imported Telethon string for a key the peer knows answers check alive", async () => {
    const p = phone(6);
    const authKey = randomBytes(256);
    authKey[0] = authKey[0] || 1;
    peer.registerAuthKey(authKey, p);
    const sessionString = telethonString(2, [149, 154, 167, 51], 443, authKey);
    const imported = await post(h, "/import", { sessionString, phoneNumber: p });
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ format: "telethon", dcId: 2, phoneNumber: p });
    expect((await post(h, `/${imported.body.sessionId}/check`, {})).body).toEqual({ alive: true });
    expect((await post(h, "/code", { phoneNumber: p })).body).toMatchObject({ status: "session_exists" });
    expect(peer.stats().sendCode[digits(p)]).toBeUndefined();
  });
});

/** A response body as the tests read it: any JSON object. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read arbitrary fields of JSON bodies
type Problemish = Record<string, any>;
