import { randomBytes } from "node:crypto";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authKeyIdOf, startTelegramPeer, type TelegramPeer } from "../../test/peers/telegram/index.js";
import { TelegramError, type TelegramProblem } from "./errors.js";
import { createTelegramClient, type TelegramConnectOptions } from "./gramjs-client.js";
import { checkLoginPassword, getMe, type SentLoginCode, sendLoginCode, signInWithCode } from "./login.js";

/** The login primitives with the real GramJS client against the local Telegram DC peer. */
describe("Telegram login and liveness against the local peer", () => {
  let peer: TelegramPeer;
  let options: TelegramConnectOptions;
  beforeAll(async () => {
    peer = await startTelegramPeer();
    options = {
      apiId: 12345,
      apiHash: "0123456789abcdef",
      dcOverride: peer.dcOverride,
      trustRsaKey: peer.rsaPublicKeyLine,
      connectionRetries: 1,
      timeoutMs: 10_000,
    };
  });
  afterAll(async () => {
    await peer.stop();
  });

  /**
   * Step 1 as the route does it. `freshDh` runs the real DH exchange (session ""); otherwise the client
   * starts from a key registered with the peer but not logged in, to spare ~0.5 s of pure-JS modExp per test.
   */
  async function requestCode(phone: string, freshDh = false): Promise<SentLoginCode> {
    const client = createTelegramClient({ ...options, session: freshDh ? "" : await unauthorizedSession() });
    try {
      return await sendLoginCode(client, phone, options.apiId, options.apiHash);
    } finally {
      await client.destroy();
    }
  }

  async function unauthorizedSession(): Promise<string> {
    const key = Buffer.concat([Buffer.from([0x42]), randomBytes(255)]);
    peer.registerAuthKey(key);
    const session = new StringSession("");
    session.setDC(2, "127.0.0.1", 443);
    const authKey = new AuthKey();
    await authKey.setKey(key);
    session.setAuthKey(authKey);
    return session.save();
  }

  function codeFor(phone: string): string {
    const code = peer.lastCode(phone);
    if (!code) throw new Error(`no code for ${phone}`);
    return code;
  }

  async function problemOf(promise: Promise<unknown>): Promise<TelegramProblem> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof TelegramError)) throw new Error(`expected a TelegramError, got ${String(err)}`);
    return err.problem;
  }

  it("fresh DH + sendCode + signIn, then getMe alive on the stored session, then revoke → dead", async () => {
    const phone = "+15550300001";
    await peer.upsertAccount(phone, { firstName: "Grace", username: "grace" });
    const sent = await requestCode(phone, true);
    expect(sent.isCodeViaApp).toBe(true);
    expect(sent.sessionString).toMatch(/^1/);
    expect(peer.stats().sendCode["15550300001"]).toBe(1);

    const signed = await signInWithCode(options, {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: codeFor(phone),
    });
    expect(signed.user).toMatchObject({
      phone: "15550300001",
      firstName: "Grace",
      username: "grace",
      isBot: false,
    });
    expect(signed.user.id).toMatch(/^\d+$/);

    // A later process: only the stored string, no new code.
    expect(await getMe(options, signed.sessionString)).toEqual(signed.user);
    expect(peer.stats().sendCode["15550300001"]).toBe(1);

    expect(peer.revoke(phone)).toBeGreaterThan(0);
    expect(await problemOf(getMe(options, signed.sessionString))).toEqual({
      kind: "dead",
      errorMessage: "AUTH_KEY_UNREGISTERED",
    });
  });

  it("2FA: password_needed with the hint, a wrong password, then the right one", async () => {
    const phone = "15550300002";
    await peer.upsertAccount(phone, { password: "s3cret", hint: "pet's name" });
    const sent = await requestCode(phone, true);
    const input = {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: codeFor(phone),
    };

    expect(await problemOf(signInWithCode(options, input))).toEqual({
      kind: "password_needed",
      hint: "pet's name",
    });
    expect(
      await problemOf(checkLoginPassword(options, { sessionString: sent.sessionString, password: "nope" })),
    ).toEqual({ kind: "password_invalid" });
    const signed = await checkLoginPassword(options, {
      sessionString: sent.sessionString,
      password: "s3cret",
    });
    expect(signed.user.phone).toBe(phone);
    expect((await getMe(options, signed.sessionString)).id).toBe(signed.user.id);
  });

  it("2FA in one call when the password comes with the code", async () => {
    const phone = "15550300003";
    await peer.upsertAccount(phone, { password: "pw" });
    const sent = await requestCode(phone);
    const input = {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: codeFor(phone),
    };
    expect(await problemOf(signInWithCode(options, { ...input, password: "bad" }))).toEqual({
      kind: "password_invalid",
    });
    expect((await signInWithCode(options, { ...input, password: "pw" })).user.phone).toBe(phone);
  });

  it("a wrong code is code_invalid, an expired one code_expired; each sendCode makes a new code", async () => {
    const phone = "15550300004";
    const sent = await requestCode(phone);
    const code = codeFor(phone);
    const wrong = code === "99999" ? "11111" : "99999";
    const input = {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: wrong,
    };
    expect(await problemOf(signInWithCode(options, input))).toEqual({ kind: "code_invalid" });

    peer.expireCode(phone);
    expect(await problemOf(signInWithCode(options, { ...input, code }))).toEqual({ kind: "code_expired" });

    const again = await requestCode(phone);
    expect(codeFor(phone)).toMatch(/^\d{5}$/);
    expect(peer.stats().sendCode[phone]).toBe(2);
    // The first session's hash is stale now, and the code is bound to the key that asked for it.
    expect(
      await problemOf(
        signInWithCode(options, { ...input, phoneCodeHash: again.phoneCodeHash, code: codeFor(phone) }),
      ),
    ).toEqual({ kind: "code_expired" });
  });

  it("codes expire after the peer's TTL", async () => {
    const shortPeer = await startTelegramPeer({ codeTtlMs: 50 });
    const shortOptions = {
      ...options,
      dcOverride: shortPeer.dcOverride,
      trustRsaKey: shortPeer.rsaPublicKeyLine,
    };
    try {
      const client = createTelegramClient({ ...shortOptions, session: "" });
      const sent = await sendLoginCode(client, "15550300005", 12345, "0123456789abcdef").finally(() =>
        client.destroy(),
      );
      await new Promise((r) => setTimeout(r, 100));
      const input = {
        sessionString: sent.sessionString,
        phone: "15550300005",
        phoneCodeHash: sent.phoneCodeHash,
        code: shortPeer.lastCode("15550300005") ?? "",
      };
      expect(await problemOf(signInWithCode(shortOptions, input))).toEqual({ kind: "code_expired" });
    } finally {
      await shortPeer.stop();
    }
  });

  it("FLOOD_WAIT reaches the caller with retryAfter, on sendCode and on signIn", async () => {
    const phone = "15550300006";
    peer.flood(phone, 42);
    const client = createTelegramClient({ ...options, session: await unauthorizedSession() });
    try {
      expect(await problemOf(sendLoginCode(client, phone, options.apiId, options.apiHash))).toEqual({
        kind: "flood",
        retryAfter: 42,
      });
    } finally {
      await client.destroy();
    }
    const sent = await requestCode(phone);
    peer.flood(phone, 7);
    const input = {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: codeFor(phone),
    };
    expect(await problemOf(signInWithCode(options, input))).toEqual({ kind: "flood", retryAfter: 7 });
    expect((await signInWithCode(options, input)).user.phone).toBe(phone);
  });

  it("an invalid phone number is phone_invalid", async () => {
    const client = createTelegramClient({ ...options, session: await unauthorizedSession() });
    try {
      expect(await problemOf(sendLoginCode(client, "12", options.apiId, options.apiHash))).toMatchObject({
        kind: "phone_invalid",
      });
    } finally {
      await client.destroy();
    }
  });

  it("imported sessions (GramJS and Telethon strings) for a key the peer knows are alive, with no sendCode", async () => {
    const phone = "15550300007";
    await peer.upsertAccount(phone, { firstName: "Imported" });
    // A first byte ≠ 0: a Telethon string always carries 256 bytes, the peer keeps keys minimal (as GramJS).
    const key = Buffer.concat([Buffer.from([0x42]), randomBytes(255)]);
    const res = await fetch(`${peer.controlUrl}/keys`, {
      method: "POST",
      body: JSON.stringify({ authKeyHex: key.toString("hex"), phone }),
    });
    expect(await res.json()).toEqual({ authKeyId: authKeyIdOf(key) });

    // GramJS layout, pointing at Telegram's real DC 4: the override still routes it to the peer.
    const session = new StringSession("");
    session.setDC(4, "149.154.167.91", 443);
    const authKey = new AuthKey();
    await authKey.setKey(key);
    session.setAuthKey(authKey);
    expect(await getMe(options, session.save())).toMatchObject({ phone, firstName: "Imported" });

    // Telethon layout: "1" + url-safe base64 (with padding) of >B4sH256s.
    const port = Buffer.alloc(2);
    port.writeUInt16BE(443);
    const raw = Buffer.concat([Buffer.from([2, 149, 154, 167, 51]), port, key]);
    const telethon = `1${raw.toString("base64").replace(/\+/g, "-").replace(/\//g, "_")}`;
    expect(telethon).toHaveLength(353);
    expect(await getMe(options, telethon)).toMatchObject({ phone });

    expect(peer.stats().sendCode[phone]).toBeUndefined();
  });

  it("counts live connections per auth key while a client is connected", async () => {
    const phone = "15550300008";
    const sent = await requestCode(phone);
    const signed = await signInWithCode(options, {
      sessionString: sent.sessionString,
      phone,
      phoneCodeHash: sent.phoneCodeHash,
      code: codeFor(phone),
    });
    const client = createTelegramClient({ ...options, session: signed.sessionString });
    try {
      await client.connect();
      await waitFor(() => peer.stats().liveConnectionsByPhone[phone] === 1);
    } finally {
      await client.destroy();
    }
    await waitFor(() => peer.stats().liveConnectionsByPhone[phone] === undefined);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
