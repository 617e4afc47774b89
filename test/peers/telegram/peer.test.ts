import { Api } from "telegram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramPeer, type TelegramPeer } from "./peer.js";
import { createBareClient, fetchCode } from "./test-client.js";

/** The peer proven with the real GramJS client and its own login loop (`client.start`). */
describe("Telegram DC peer with the real GramJS client", () => {
  let peer: TelegramPeer;
  beforeAll(async () => {
    peer = await startTelegramPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("runs DH, then start(): wrong code, right code, wrong 2FA password, right password", async () => {
    const phone = "+15550100001";
    await peer.upsertAccount(phone, { password: "hunter2", hint: "the usual", firstName: "Ada" });
    const client = createBareClient(peer);
    const errors: string[] = [];
    const codes = ["00000"];
    const passwords = ["wrong", "hunter2"];
    const hints: (string | undefined)[] = [];
    try {
      await client.start({
        phoneNumber: phone,
        phoneCode: async () => codes.shift() ?? fetchCode(peer.controlUrl, phone),
        password: async (hint) => {
          hints.push(hint);
          return passwords.shift() ?? "";
        },
        onError: async (err) => {
          errors.push((err as { errorMessage?: string }).errorMessage ?? err.message);
          return false;
        },
      });
      const me = await client.getMe();
      expect(me.firstName).toBe("Ada");
      expect(me.phone).toBe("15550100001");
      expect(errors).toEqual(["PHONE_CODE_INVALID", "PASSWORD_HASH_INVALID"]);
      expect(hints).toEqual(["the usual", "the usual"]);

      const stats = peer.stats();
      expect(stats.sendCode["15550100001"]).toBe(1);
      expect(stats.liveConnectionsByPhone["15550100001"]).toBe(1);
      expect(Object.values(stats.liveConnections)).toContain(1);
    } finally {
      await client.destroy();
    }
  });

  it("accepts a key it created afterwards, on a new connection, and answers 401 once revoked", async () => {
    const phone = "15550100002";
    const first = createBareClient(peer);
    let session: string;
    try {
      await first.connect();
      const { phoneCodeHash } = await first.sendCode({ apiId: 12345, apiHash: "0123456789abcdef" }, phone);
      await first.invoke(
        new Api.auth.SignIn({
          phoneNumber: phone,
          phoneCodeHash,
          phoneCode: await fetchCode(peer.controlUrl, phone),
        }),
      );
      session = first.session.save() as unknown as string;
    } finally {
      await first.destroy();
    }
    await waitFor(() => peer.stats().liveConnectionsByPhone[phone] === undefined);

    const second = createBareClient(peer, session);
    try {
      await second.connect();
      expect((await second.getMe()).phone).toBe(phone);
      expect(peer.stats().liveConnectionsByPhone[phone]).toBe(1);
      expect(peer.revoke(phone)).toBe(1);
      const err = await second.getMe().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 401, errorMessage: "AUTH_KEY_UNREGISTERED" });
      expect(await second.checkAuthorization()).toBe(false);
    } finally {
      await second.destroy();
    }
    expect(peer.stats().sendCode[phone]).toBe(1);
  });

  it("QR login: the same token until accepted, then loginTokenSuccess; on another DC, migrate and import", async () => {
    const app = { apiId: 12345, apiHash: "0123456789abcdef", exceptIds: [] };
    const client = createBareClient(peer);
    try {
      await client.connect();
      const first = await client.invoke(new Api.auth.ExportLoginToken(app));
      expect(first).toBeInstanceOf(Api.auth.LoginToken);
      const { token } = first as Api.auth.LoginToken;
      expect(
        ((await client.invoke(new Api.auth.ExportLoginToken(app))) as Api.auth.LoginToken).token,
      ).toEqual(token);
      await acceptQr(peer, token, "15550100003");
      const done = await client.invoke(new Api.auth.ExportLoginToken(app));
      expect(done).toBeInstanceOf(Api.auth.LoginTokenSuccess);
      expect((await client.getMe()).phone).toBe("15550100003");
    } finally {
      await client.destroy();
    }

    const elsewhere = createBareClient(peer);
    try {
      await elsewhere.connect();
      const { token } = (await elsewhere.invoke(new Api.auth.ExportLoginToken(app))) as Api.auth.LoginToken;
      const stranger = await elsewhere
        .invoke(new Api.auth.ImportLoginToken({ token }))
        .catch((e: unknown) => e);
      expect(stranger).toMatchObject({ errorMessage: "AUTH_TOKEN_INVALID" });
      await acceptQr(peer, token, "15550100004", 4);
      const moved = await elsewhere.invoke(new Api.auth.ExportLoginToken(app));
      expect(moved).toMatchObject({ className: "auth.LoginTokenMigrateTo", dcId: 4 });
      // What GramJS's own signInUserWithQrCode does next: a new key on DC 4, then import there.
      await (elsewhere as unknown as { _switchDC(dc: number): Promise<void> })._switchDC(4);
      const imported = await elsewhere.invoke(
        new Api.auth.ImportLoginToken({ token: (moved as Api.auth.LoginTokenMigrateTo).token }),
      );
      expect(imported).toBeInstanceOf(Api.auth.LoginTokenSuccess);
      expect((await elsewhere.getMe()).phone).toBe("15550100004");
      expect(elsewhere.session.dcId).toBe(4);
    } finally {
      await elsewhere.destroy();
    }
  });
});

async function acceptQr(peer: TelegramPeer, token: Buffer, phone: string, dcId?: number): Promise<void> {
  const res = await fetch(`${peer.controlUrl}/qr/accept`, {
    method: "POST",
    body: JSON.stringify({ token: token.toString("base64url"), phone, dcId }),
  });
  expect(res.status).toBe(200);
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}
