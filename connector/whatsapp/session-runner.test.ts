import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { StorageError } from "../../core/error.js";
import { createMemoryStorage } from "../../core/storage/memory.js";
import type { Blobs } from "../../core/storage/types.js";
import { createVault } from "../../core/vault/vault.js";
import { openAuthState } from "../../core/whatsapp/auth-state/index.js";
import * as WhatsAppSession from "../../core/whatsapp/session/index.js";
import { createStubSocketFactory, waitFor } from "../testing/stub-socket.js";
import type { SessionEvent } from "../types.js";
import { ServerCertificateError } from "./server-cert.js";
import { startSessionRunner } from "./session-runner.js";

/** The disconnect policy and the runner's publishing, through the real runner against a stub socket (issue 3). */

async function setup(
  options: { phoneNumber?: string; backoffBaseMs?: number; logoutRequested?: boolean } = {},
) {
  const storage = createMemoryStorage();
  const faults = { failPuts: false };
  const blobs: Blobs = {
    ...storage.blobs,
    put: (key, body) =>
      faults.failPuts ? Promise.reject(new StorageError("disk full")) : storage.blobs.put(key, body),
  };
  const vault = createVault(blobs, randomBytes(32));
  const ctx = { storage, clock: Date.now };
  const ref = { tenantId: "ten_runner", sessionId: "s1" };
  await WhatsAppSession.create(ctx, {
    ...ref,
    ...(options.phoneNumber ? { phoneNumber: options.phoneNumber } : {}),
  });
  if (options.logoutRequested) await WhatsAppSession.requestLogout(ctx, ref);
  const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "c1", 60_000))!;
  const stubs = createStubSocketFactory({ pairingCode: "WXYZ5678" });
  const events: SessionEvent[] = [];
  const runner = startSessionRunner(
    {
      records: storage.records,
      vault,
      clock: Date.now,
      createSocket: stubs.createSocket,
      onEvent: (e) => events.push(e),
      policy: { backoffBaseMs: options.backoffBaseMs ?? 20, backoffCapMs: (options.backoffBaseMs ?? 20) * 4 },
    },
    { ...ref, owner: "c1", epoch },
  );
  const session = async () => (await WhatsAppSession.fromID(ctx, ref))!;
  const status = (s: string) => waitFor(async () => (await session()).status === s, 3_000, `status ${s}`);
  return { storage, vault, faults, ref, stubs, events, runner, session, status };
}

const sessionBlobs = (t: Awaited<ReturnType<typeof setup>>) =>
  t.vault.listAll(`t/${t.ref.tenantId}/wa/${t.ref.sessionId}/`);

describe("session runner against a stub socket", () => {
  it("publishes the QR with its expiry, a pairing code for a phone number, then connected with the account", async () => {
    const t = await setup({ phoneNumber: "+4915112345678" });
    const sock = await t.stubs.nth(1);
    await t.status("connecting");
    const before = Date.now();
    sock.showQr("2@ref,noise,identity,adv,1");
    await t.status("qr");
    const opened = (s: WhatsAppSession.Session, field: WhatsAppSession.LoginSecret) =>
      WhatsAppSession.openLoginSecret(t.vault, s, field);
    await waitFor(async () => opened(await t.session(), "pairingCode") === "WXYZ5678");
    const qr = await t.session();
    expect(opened(qr, "qr")).toBe("2@ref,noise,identity,adv,1");
    // At rest the record holds neither secret in plaintext.
    expect(JSON.stringify(qr)).not.toMatch(/2@ref|WXYZ5678/);
    expect(Date.parse(qr.qrExpiresAt!)).toBeGreaterThanOrEqual(before + 60_000 - 1_000);
    expect(sock.pairingRequests).toEqual(["4915112345678"]);
    sock.open();
    await t.status("connected");
    const s = await t.session();
    expect(s).toMatchObject({
      paired: true,
      account: { jid: "4915112345678:7@s.whatsapp.net", name: "Stub", phone: "4915112345678" },
    });
    expect(s.connectedAt && s.lastSeenAt).toBeTruthy();
    expect(s.qr ?? s.pairingCode ?? s.expiresAt).toBeUndefined();
    expect(t.events.map((e) => e.type)).toEqual(["session.qr", "session.connected"]);
    await t.runner.stop("shutdown");
  });

  it.each([
    ["401", 401, undefined],
    ["403", 403, undefined],
    ["device_removed", 401, { tag: "conflict", attrs: { type: "device_removed" } }],
    ["device_removed without code (440)", 440, { tag: "conflict", attrs: { type: "device_removed" } }],
  ])("%s: wipes the key material, logged_out, desired disconnected, no reconnect", async (_, code, data) => {
    const t = await setup();
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("connected");
    expect((await sessionBlobs(t)).length).toBeGreaterThan(0);
    sock.close(code, { data });
    await t.runner.done;
    const s = await t.session();
    expect(s).toMatchObject({ status: "logged_out", desired: "disconnected", paired: false });
    expect(s.account).toBeUndefined();
    expect(await sessionBlobs(t)).toEqual([]);
    expect(await t.storage.records.get({ pk: `t#${t.ref.tenantId}`, sk: "wa#s1#state" })).toBeNull();
    expect(t.events.at(-1)?.type).toBe("session.logged_out");
    await new Promise((r) => setTimeout(r, 60));
    expect(t.stubs.sockets).toHaveLength(1);
  });

  it("a session taken only to be logged out (requestLogout) logs out once the socket opens and wipes its keys", async () => {
    const t = await setup({ logoutRequested: true });
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("logged_out");
    await t.runner.done;
    expect(sock.loggedOut).toBe(true);
    expect(await sessionBlobs(t)).toEqual([]);
    expect(await t.session()).toMatchObject({ status: "logged_out", desired: "disconnected" });
    expect(t.events.map((e) => e.type)).not.toContain("session.connected");
  });

  it("440 connection replaced: conflict, desired disconnected, never a second socket", async () => {
    const t = await setup();
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("connected");
    sock.close(440, { data: { tag: "conflict", attrs: { type: "replaced" } } });
    await t.runner.done;
    expect(await t.session()).toMatchObject({
      status: "conflict",
      desired: "disconnected",
      lastError: { code: "440" },
    });
    expect(t.events.at(-1)?.type).toBe("session.conflict");
    await new Promise((r) => setTimeout(r, 100));
    expect(t.stubs.sockets).toHaveLength(1);
    expect((await sessionBlobs(t)).length).toBeGreaterThan(0);
  });

  it("515 restart required: a new socket at once, with the paired creds", async () => {
    // A backoff far longer than the bound below, so that a slow machine cannot blur the two.
    const t = await setup({ backoffBaseMs: 10_000 });
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("connected");
    const closedAt = Date.now();
    sock.close(515);
    const second = await t.stubs.nth(2);
    expect(Date.now() - closedAt).toBeLessThan(3_000);
    expect(second.auth.creds.me?.id).toBe("4915112345678:7@s.whatsapp.net");
    second.open();
    await t.status("connected");
    expect((await t.session()).lastError).toBeUndefined();
    await t.runner.stop("shutdown");
  });

  it.each([408, 428, 500, 503, 411])(
    "%i: disconnected with the error, reconnect after a growing backoff",
    async (code) => {
      const t = await setup();
      const first = await t.stubs.nth(1);
      let closedAt = Date.now();
      first.close(code);
      await t.status("disconnected");
      expect((await t.session()).lastError).toMatchObject({ code: String(code) });
      const second = await t.stubs.nth(2);
      const firstDelay = Date.now() - closedAt;
      expect(firstDelay).toBeGreaterThanOrEqual(18);
      closedAt = Date.now();
      second.close(code);
      await t.stubs.nth(3);
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(38);
      expect(t.events.filter((e) => e.type === "session.disconnected")).toHaveLength(2);
      await t.runner.stop("shutdown");
      expect(await t.session()).toMatchObject({ status: "disconnected", desired: "connected" });
    },
  );

  it("a reconnect loop (a sixth reconnect within two minutes) ends in failed / reconnect_loop", async () => {
    const t = await setup();
    for (let n = 1; n <= 6; n++) (await t.stubs.nth(n)).close(515);
    await t.runner.done;
    expect(await t.session()).toMatchObject({
      status: "failed",
      desired: "disconnected",
      lastError: { code: "reconnect_loop" },
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(t.stubs.sockets).toHaveLength(6);
  });

  it("a refused server certificate: failed with the reason, no retry", async () => {
    const t = await setup();
    (await t.stubs.nth(1)).closeWith(
      new ServerCertificateError("intermediate is not signed by the trusted root"),
    );
    await t.runner.done;
    const s = await t.session();
    expect(s).toMatchObject({
      status: "failed",
      desired: "disconnected",
      lastError: { code: "server_certificate_invalid" },
    });
    expect(s.lastError?.reason).toContain("not signed by the trusted root");
    expect(t.stubs.sockets).toHaveLength(1);
  });

  it("a failed keys.set drops the socket at once; the next socket runs on what storage holds", async () => {
    const t = await setup();
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("connected");
    await waitFor(
      async () => (await sessionBlobs(t)).some((b) => b.key.includes("/wal/")),
      3_000,
      "creds stored",
    );
    t.faults.failPuts = true;
    const keyPair = { public: new Uint8Array(32).fill(1), private: new Uint8Array(32).fill(2) };
    await expect(sock.auth.keys.set({ "pre-key": { "77": keyPair } })).rejects.toThrow();
    expect(sock.ended).toBe(true);
    await t.status("degraded");
    expect((await t.session()).lastError?.code).toBe("auth_state_write_failed");
    t.faults.failPuts = false;
    const next = await t.stubs.nth(2);
    expect(next.auth.creds.me?.id).toBe("4915112345678:7@s.whatsapp.net");
    expect(await next.auth.keys.get("pre-key", ["77"])).toEqual({});
    await t.runner.stop("shutdown");
  });

  it("stop(desired_disconnected) closes the socket, flushes and publishes disconnected", async () => {
    const t = await setup();
    const sock = await t.stubs.nth(1);
    sock.open();
    await t.status("connected");
    const keyPair = { public: new Uint8Array(32).fill(3), private: new Uint8Array(32).fill(4) };
    await sock.auth.keys.set({ "pre-key": { "5": keyPair } });
    await t.runner.stop("desired_disconnected");
    expect(sock.ended).toBe(true);
    expect((await t.session()).status).toBe("disconnected");
    const restored = await openAuthState({ records: t.storage.records, vault: t.vault }, t.ref);
    expect(Object.keys(await restored.state.keys.get("pre-key", ["5"]))).toEqual(["5"]);
    await restored.close();
  });
});
