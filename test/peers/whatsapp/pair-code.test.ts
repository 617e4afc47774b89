import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createMemoryAuthStore, openClient } from "./baileys-client.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "./peer.js";

// Issue 4: a session created with a phone number gets a pairing code the peer accepts.
describe("pairing by code", () => {
  let peer: WhatsAppPeer;
  beforeAll(async () => {
    peer = await startWhatsAppPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("refuses a wrong code, then links with the code Baileys generated and logs in", async () => {
    const phone = "15554440001";
    const store = createMemoryAuthStore();
    const client = connectClient(peer.wsUrl, store);
    await client.waitFor((u) => !!u.qr);
    const code = await client.sock.requestPairingCode(phone);
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    await waitUntil(() => peer.stats().pendingPairCodes.includes(phone));

    const wrong = await post(peer, { phone, code: code.startsWith("A") ? "BBBBBBBB" : "AAAAAAAA" });
    expect(wrong).toMatchObject({ status: 403, body: { error: "pairing_code_rejected" } });
    expect(peer.stats().pairings).toBe(0);

    const typed = `${code.slice(0, 4)}-${code.slice(4)}`;
    const right = await post(peer, { phone, code: typed });
    expect(right).toMatchObject({ status: 200, body: { jid: `${phone}:1@s.whatsapp.net` } });
    expect(await client.closed).toMatchObject({ statusCode: 515 });

    const reopened = await openClient(peer.wsUrl, store);
    expect(reopened.creds.me?.id).toBe(`${phone}:1@s.whatsapp.net`);
    expect(peer.stats().logins).toEqual({ [`${phone}:1@s.whatsapp.net`]: 1 });
    reopened.sock.end(undefined);
    await reopened.closed;
  });
});

async function post(peer: WhatsAppPeer, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${peer.controlUrl}/pair-code`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
