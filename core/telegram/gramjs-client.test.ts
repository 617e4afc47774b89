import { createServer, type Server } from "node:net";
import { AuthKey } from "telegram/crypto/AuthKey.js";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramPeer, type TelegramPeer } from "../../test/peers/telegram/index.js";
import { TelegramConfigError, TelegramError, TelegramSessionInvalidError } from "./errors.js";
import { createTelegramClient, resolveTelegramTestOverrides } from "./gramjs-client.js";
import { parseTrustedRsaKey, telegramRsaFingerprint } from "./gramjs-client-rsa.js";

const API = { apiId: 12345, apiHash: "0123456789abcdef" };

describe("resolveTelegramTestOverrides", () => {
  let peer: TelegramPeer;
  beforeAll(async () => {
    peer = await startTelegramPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("is empty without the override", () => {
    expect(resolveTelegramTestOverrides({})).toEqual({ dcOverride: undefined, trustRsaKey: undefined });
  });

  it("reads the override and the RSA key together, as the peer prints them", () => {
    expect(resolveTelegramTestOverrides(peer.env)).toEqual({
      dcOverride: { host: "127.0.0.1", port: peer.port },
      trustRsaKey: peer.rsaPublicKeyLine,
    });
    expect(resolveTelegramTestOverrides({ TELEGRAM_DC_OVERRIDE: "[::1]:4430" }).dcOverride).toEqual({
      host: "::1",
      port: 4430,
    });
  });

  it("refuses the RSA key without the override (never trusted against real Telegram)", () => {
    expect(() => resolveTelegramTestOverrides({ TELEGRAM_TRUST_RSA_KEY: peer.rsaPublicKeyLine })).toThrow(
      TelegramConfigError,
    );
  });

  it("names the setting when a value is malformed", () => {
    expect(() => resolveTelegramTestOverrides({ TELEGRAM_DC_OVERRIDE: "localhost" })).toThrow(
      /TELEGRAM_DC_OVERRIDE/,
    );
    expect(() =>
      resolveTelegramTestOverrides({
        TELEGRAM_DC_OVERRIDE: "127.0.0.1:1",
        TELEGRAM_TRUST_RSA_KEY: "bm9wZQ==",
      }),
    ).toThrow(/TELEGRAM_TRUST_RSA_KEY/);
  });
});

describe("RSA fingerprints", () => {
  it("reproduces the fingerprints of GramJS's built-in Telegram keys", () => {
    for (const fingerprint of ["-3414540481677951611", "-5595554452916591101"]) {
      const key = _serverKeys.get(fingerprint);
      if (!key) throw new Error(`GramJS has no key ${fingerprint}`);
      const nBytes = Buffer.from(key.n.toString(16).padStart(512, "0"), "hex");
      const eBytes = Buffer.from(key.e.toString(16).padStart(6, "0"), "hex");
      expect(telegramRsaFingerprint(nBytes, eBytes)).toBe(fingerprint);
    }
  });

  it("accepts the peer's line as base64 DER or as a PEM", async () => {
    const peer = await startTelegramPeer();
    await peer.stop();
    const fromLine = parseTrustedRsaKey(peer.rsaPublicKeyLine);
    const pem = `-----BEGIN PUBLIC KEY-----\\n${peer.rsaPublicKeyLine}\\n-----END PUBLIC KEY-----`;
    expect(parseTrustedRsaKey(pem)).toEqual(fromLine);
    expect(fromLine.e).toBe(65537);
  });
});

describe("createTelegramClient", () => {
  it("rejects unusable session strings before GramJS sees them", () => {
    expect(() => createTelegramClient({ ...API, session: "2abc" })).toThrow(TelegramSessionInvalidError);
    const s = new StringSession("");
    s.setDC(2, "127.0.0.1", 443);
    s.setAuthKey(new AuthKey(Buffer.alloc(256, 1), Buffer.alloc(20)));
    const good = s.save();
    expect(() => createTelegramClient({ ...API, session: `  ${good}\n` })).not.toThrow();
    expect(() => createTelegramClient({ ...API, session: good.slice(0, 120) })).toThrow(
      TelegramSessionInvalidError,
    );
    expect(() => createTelegramClient({ ...API, apiId: 0, session: "" })).toThrow(TelegramConfigError);
  });

  it("reports an unreachable Telegram as transient, not dead", async () => {
    const port = await closedPort();
    const client = createTelegramClient({
      ...API,
      session: "",
      dcOverride: { host: "127.0.0.1", port },
      connectionRetries: 1,
      timeoutMs: 5000,
    });
    try {
      const err = await client.connect().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TelegramError);
      expect((err as TelegramError).problem.kind).toBe("transient");
    } finally {
      await client.destroy();
    }
  });

  it("times out against a server that never answers, as transient", async () => {
    const silent = createServer(() => {});
    const port = await listen(silent);
    const client = createTelegramClient({
      ...API,
      session: "",
      dcOverride: { host: "127.0.0.1", port },
      connectionRetries: 1,
      timeoutMs: 400,
    });
    try {
      const err = await client.connect().catch((e: unknown) => e);
      expect((err as TelegramError).problem).toMatchObject({
        kind: "transient",
        reason: expect.stringMatching(/timed out/),
      });
    } finally {
      await client.destroy();
      silent.close();
    }
  });

  it("fails a fresh DH exchange with a peer whose RSA key is not trusted", async () => {
    const untrusted = await startTelegramPeer();
    const client = createTelegramClient({
      ...API,
      session: "",
      dcOverride: untrusted.dcOverride,
      connectionRetries: 1,
      timeoutMs: 5000,
    });
    try {
      const err = await client.connect().catch((e: unknown) => e);
      expect((err as TelegramError).problem.kind).toBe("transient");
      expect(Object.keys(untrusted.stats().liveConnections)).toHaveLength(0);
    } finally {
      await client.destroy();
      await untrusted.stop();
    }
  });
});

// --- Internal helpers ---

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
