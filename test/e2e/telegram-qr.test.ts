import { randomBytes } from "node:crypto";
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPort } from "../helpers/closed-port.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { createTelegramHarness, peerSettings, type TelegramHarness } from "../telegram/harness.js";

// jsqr is CommonJS with an ESM-style `export default` in its types: at run time the default is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/**
 * Telegram QR login through the HTTP API, with the real GramJS client against the local DC peer
 * (whose control API plays the phone that scans), on both storage adapters.
 */
describe.each(ADAPTERS)("Telegram QR login through the API (%s)", (adapter) => {
  let peer: TelegramPeer;
  let store: TestStorage;
  let h: TelegramHarness;
  let apiKey: string;
  let tenantId: string;
  const masterKey = randomBytes(32);
  const phone = (n: number): string =>
    `+1555${adapter === "local" ? "05" : "06"}0${String(n).padStart(4, "0")}`;

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

  async function call(method: string, path: string, body?: unknown, key = apiKey, app = h) {
    const res = await app.call(key, method, `/v1/telegram/sessions/qr${path}`, body);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  }

  async function start(): Promise<{ loginId: string; qr: string }> {
    const started = await call("POST", "", {});
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    expect(started.body).toMatchObject({ status: "qr_pending", loginId: expect.stringMatching(/^tgqr_/) });
    return started.body as { loginId: string; qr: string };
  }

  /** The phone scans: the token inside the tg:// URL is accepted for `p` (living on `dcId`). */
  async function scan(qr: string, p: string, dcId?: number): Promise<void> {
    const token = new URL(qr).searchParams.get("token");
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    peer.acceptLoginToken(token as string, p, dcId);
  }

  it("start → QR (JSON and a PNG that decodes to it) → not scanned yet → scanned → stored and alive → gone", async () => {
    const p = phone(1);
    await peer.upsertAccount(p, { firstName: "Ada" });
    const { loginId, qr } = await start();
    expect(qr).toMatch(/^tg:\/\/login\?token=[A-Za-z0-9_-]{20,}$/);

    const shown = await call("GET", `/${loginId}`);
    expect(shown.body).toMatchObject({ status: "qr_pending", qr });
    const png = await h.app.request(`/v1/telegram/sessions/qr/${loginId}`, {
      headers: { ...h.headers(apiKey, false), accept: "image/png" },
    });
    expect(png.headers.get("content-type")).toBe("image/png");
    const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(qr);

    const waiting = await call("POST", `/${loginId}`, {});
    expect(waiting.body).toMatchObject({ status: "qr_pending", loginId, qr });

    await scan(qr, p);
    const done = await call("POST", `/${loginId}`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(201);
    expect(done.body).toMatchObject({ phoneNumber: p, status: "active", format: "login", dcId: 2 });
    const { sessionId } = done.body as { sessionId: string };
    const check = await h.call(apiKey, "POST", `/v1/telegram/sessions/${sessionId}/check`, {});
    expect(await check.json()).toEqual({ alive: true });
    // The login is finished: no record of it is left, and it cannot be polled again.
    expect((await store.storage.records.query(`t#${tenantId}`, { skPrefix: "tgqr#" })).items).toEqual([]);
    const again = await call("POST", `/${loginId}`, {});
    expect([again.status, again.body.code]).toEqual([404, "telegram.qr_login_expired"]);
  });

  it("an account on another DC with 2FA: migrate, password_required with the hint, wrong, then right", async () => {
    const p = phone(2);
    await peer.upsertAccount(p, { password: "s3cret", hint: "pet's name" });
    const { loginId, qr } = await start();
    await scan(qr, p, 4);

    const needed = await call("POST", `/${loginId}`, {});
    expect(needed).toMatchObject({ status: 200, body: { status: "password_required", hint: "pet's name" } });
    // No QR to show any more, and asking again without a password changes nothing.
    const png = await h.app.request(`/v1/telegram/sessions/qr/${loginId}`, {
      headers: { ...h.headers(apiKey, false), accept: "image/png" },
    });
    expect([png.status, ((await png.json()) as { code: string }).code]).toEqual([
      409,
      "telegram.qr_already_scanned",
    ]);
    expect((await call("POST", `/${loginId}`, {})).body).toMatchObject({ status: "password_required" });

    const wrong = await call("POST", `/${loginId}`, { password: "nope" });
    expect([wrong.status, wrong.body.code]).toEqual([400, "telegram.password_invalid"]);
    const ok = await call("POST", `/${loginId}`, { password: "s3cret" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ phoneNumber: p, dcId: 4, format: "login" });
    const check = await h.call(apiKey, "POST", `/v1/telegram/sessions/${ok.body.sessionId}/check`, {});
    expect(await check.json()).toEqual({ alive: true });
  });

  it("a poll after the token ran out shows a new QR, and the new one logs in", async () => {
    const p = phone(3);
    await peer.upsertAccount(p);
    const first = await start();
    // What 30 s would do on Telegram.
    expect(peer.expireLoginTokens()).toBeGreaterThanOrEqual(1);
    const renewed = await call("POST", `/${first.loginId}`, {});
    expect(renewed.body.status).toBe("qr_pending");
    expect(renewed.body.qr).not.toBe(first.qr);
    expect(() => peer.acceptLoginToken(new URL(first.qr).searchParams.get("token") as string, p)).toThrow(
      /expired/,
    );
    await scan(renewed.body.qr as string, p);
    expect((await call("POST", `/${first.loginId}`, {})).status).toBe(201);
  });

  it("Telegram unreachable: starting is a 503, and a poll is a 503 that leaves the login for the next one", async () => {
    const p = phone(4);
    await peer.upsertAccount(p);
    const offline = createTelegramHarness(
      store.storage,
      peerSettings(peer, `127.0.0.1:${await closedPort()}`),
      {
        masterKey,
      },
    );
    const down = await call("POST", "", {}, apiKey, offline);
    expect([down.status, down.body.code]).toEqual([503, "telegram.unreachable"]);

    const { loginId, qr } = await start();
    await scan(qr, p);
    const downPoll = await call("POST", `/${loginId}`, {}, apiKey, offline);
    expect([downPoll.status, downPoll.body.code]).toEqual([503, "telegram.unreachable"]);
    const done = await call("POST", `/${loginId}`, {});
    expect(done.status, JSON.stringify(done.body)).toBe(201);
  });

  it("bad ids are 400, another tenant's login is 404, and an attempt past its 10 minutes is gone", async () => {
    const { loginId } = await start();
    const bad = await call("POST", "/not-a-login-id", {});
    expect([bad.status, bad.body.code]).toEqual([400, "validation_failed"]);
    const other = (await h.tenant()).apiKey;
    const foreign = await call("POST", `/${loginId}`, {}, other);
    expect([foreign.status, foreign.body.code]).toEqual([404, "telegram.qr_login_expired"]);
    expect((await call("GET", `/${loginId}`, undefined, other)).status).toBe(404);

    h.advance(10 * 60_000 + 1);
    const late = await call("POST", `/${loginId}`, {});
    expect([late.status, late.body.code]).toEqual([404, "telegram.qr_login_expired"]);
    expect((await call("GET", `/${loginId}`)).status).toBe(404);
  });
});
