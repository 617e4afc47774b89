import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, openClient, pairWithQr } from "./baileys-client.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "./peer.js";

// Issue 4: logout (401) and conflict (440) from the peer, driven through its control API.
describe("ending sessions from the peer", () => {
  let peer: WhatsAppPeer;
  let phone = 15553330000;
  const pair = () => pairWithQr(peer.wsUrl, (qr) => control("/scan", { qr, phone: String(++phone) }));
  const control = async <T = { jid: string }>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(
      `${peer.controlUrl}${path}`,
      body ? { method: "POST", body: JSON.stringify(body) } : {},
    );
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  beforeAll(async () => {
    peer = await startWhatsAppPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("POST /logout ends the live socket with 401 and the device can no longer log in", async () => {
    const { store, jid } = await pair();
    const client = await openClient(peer.wsUrl, store);
    expect(await control("/logout", { jid })).toEqual({ ended: 1 });
    expect(await client.closed).toMatchObject({ statusCode: 401 });
    expect((await control<{ liveSockets: object }>("/stats")).liveSockets).toEqual({});

    const again = connectClient(peer.wsUrl, store);
    expect(await again.closed).toMatchObject({ statusCode: 401 });
  });

  it("a second login of the same device ends the older socket with 440, leaving one live socket", async () => {
    const { store, jid } = await pair();
    const older = await openClient(peer.wsUrl, store);
    const newer = await openClient(peer.wsUrl, store);
    expect(await older.closed).toMatchObject({ statusCode: 440 });
    const stats = await control<{ liveSockets: Record<string, number>; logins: Record<string, number> }>(
      "/stats",
    );
    expect(stats.liveSockets[jid]).toBe(1);
    expect(stats.logins[jid]).toBe(2);
    expect(newer.updates.some((u) => u.connection === "close")).toBe(false);
    newer.sock.end(undefined);
    await newer.closed;
  });

  it("POST /conflict ends the device's socket with 440", async () => {
    const { store, jid } = await pair();
    const client = await openClient(peer.wsUrl, store);
    expect(await control("/conflict", { jid })).toEqual({ ended: 1 });
    expect(await client.closed).toMatchObject({ statusCode: 440 });
  });

  it("a client's own logout removes the device (Baileys ends with 401)", async () => {
    const { store, jid } = await pair();
    const client = await openClient(peer.wsUrl, store);
    await client.sock.logout();
    expect(await client.closed).toMatchObject({ statusCode: 401 });
    const again = connectClient(peer.wsUrl, store);
    expect(await again.closed).toMatchObject({ statusCode: 401 });
    expect(peer.stats().failedLogins[jid]).toBe(1);
  });
});
