import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, createMemoryAuthStore, openClient } from "./baileys-client.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "./peer.js";

// Issue 4: the real Baileys client pairs by QR, restarts on 515 and logs in with saved creds.
describe("QR pairing against the local peer", () => {
  let peer: WhatsAppPeer;
  beforeAll(async () => {
    peer = await startWhatsAppPeer();
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("pairs, restarts on 515, logs in with the saved creds and uploads 812 pre-keys", async () => {
    const store = createMemoryAuthStore();
    const first = connectClient(peer.wsUrl, store);
    const { qr } = await first.waitFor((u) => !!u.qr);
    expect(qr).toMatch(/^https:\/\/wa\.me\/settings\/linked_devices#2@/);
    expect(peer.stats().qrRefsIssued).toBe(6);

    const paired = await peer.scan(qr as string, "15551230001");
    expect(paired.jid).toBe("15551230001:1@s.whatsapp.net");
    expect(await first.closed).toMatchObject({ statusCode: 515 });
    expect(first.updates.some((u) => u.isNewLogin)).toBe(true);
    expect(JSON.parse(store.savedCreds).me.id).toBe(paired.jid);

    const started = Date.now();
    const second = connectClient(peer.wsUrl, store);
    await second.waitFor((u) => u.connection === "open");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(peer.stats()).toMatchObject({
      liveSockets: { [paired.jid]: 1 },
      logins: { [paired.jid]: 1 },
      preKeysUploaded: { [paired.jid]: 812 },
      qrRefsIssued: 6,
    });
    expect(store.count("pre-key")).toBe(812);
    // The queries fired after open (props, blocklist, privacy) all have handlers.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(peer.stats().unhandledQueries).toEqual({});
    expect(second.updates.some((u) => u.receivedPendingNotifications)).toBe(true);
    second.sock.end(undefined);
    await second.closed;

    // A restart from storage logs in again: no new QR, no second upload (the server holds 812).
    const third = await openClient(peer.wsUrl, createMemoryAuthStore(store));
    expect(peer.stats()).toMatchObject({
      logins: { [paired.jid]: 2 },
      preKeysUploaded: { [paired.jid]: 812 },
      qrRefsIssued: 6,
    });
    third.sock.end(undefined);
    await third.closed;
  });
});
