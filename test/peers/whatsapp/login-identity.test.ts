import { BufferJSON, Curve } from "@whiskeysockets/baileys";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectClient,
  createMemoryAuthStore,
  type MemoryAuthStore,
  openClient,
  pairWithQr,
} from "./baileys-client.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "./peer.js";

// Issue 4: the peer refuses what the real server refuses.
describe("login identity checks", () => {
  let peer: WhatsAppPeer;
  let store: MemoryAuthStore;
  let jid: string;
  beforeAll(async () => {
    peer = await startWhatsAppPeer();
    ({ store, jid } = await pairWithQr(peer.wsUrl, (qr) => peer.scan(qr, "15552220001")));
  });
  afterAll(async () => {
    await peer.stop();
  });

  it("answers a login with a tampered device identity with 401 and no success", async () => {
    const tampered = withCreds(store, (creds) => {
      creds.me.id = "15552220001:7@s.whatsapp.net";
    });
    const client = connectClient(peer.wsUrl, tampered);
    expect(await client.closed).toMatchObject({ statusCode: 401 });
    expect(client.updates.some((u) => u.connection === "open")).toBe(false);
    expect(peer.stats().failedLogins).toMatchObject({ "15552220001:7@s.whatsapp.net": 1 });
  });

  it("answers a login with the right device but another noise key with 401", async () => {
    const tampered = withCreds(store, (creds) => {
      creds.noiseKey = Curve.generateKeyPair();
    });
    const client = connectClient(peer.wsUrl, tampered);
    expect(await client.closed).toMatchObject({ statusCode: 401 });
    expect(peer.stats().failedLogins).toMatchObject({ [jid]: 1 });
    expect(peer.stats().logins[jid]).toBeUndefined();
  });

  it("still accepts the untampered creds", async () => {
    const client = await openClient(peer.wsUrl, store);
    expect(peer.stats().logins).toEqual({ [jid]: 1 });
    client.sock.end(undefined);
    await client.closed;
  });
});

/** A copy of `store` whose saved creds were changed by `edit`. */
function withCreds(
  store: MemoryAuthStore,
  edit: (creds: { me: { id: string }; noiseKey: unknown }) => void,
): MemoryAuthStore {
  const creds = JSON.parse(store.savedCreds, BufferJSON.reviver);
  edit(creds);
  return createMemoryAuthStore({ savedCreds: JSON.stringify(creds, BufferJSON.replacer), keys: store.keys });
}
