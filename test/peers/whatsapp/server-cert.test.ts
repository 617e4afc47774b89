import { afterEach, describe, expect, it } from "vitest";
import {
  installServerCertificateCheck,
  isServerCertificateError,
  type ServerCertificateCheck,
} from "../../../connector/whatsapp/server-cert.js";
import { connectClient, createMemoryAuthStore, openClient, pairWithQr } from "./baileys-client.js";
import type { CertChainFlaw } from "./cert-chain.js";
import { startWhatsAppPeer, type WhatsAppPeer } from "./peer.js";

// Issue 4: a peer whose chain does not verify against the trusted root is refused by the
// connector's check, although stock Baileys 7.0.0-rc14 accepts it.
const FLAWS: CertChainFlaw[] = [
  "leaf-signed-by-other-key",
  "intermediate-signed-by-other-root",
  "leaf-names-other-key",
];

describe("server certificate check against the peer", () => {
  let peer: WhatsAppPeer | undefined;
  let check: ServerCertificateCheck | undefined;
  afterEach(async () => {
    check?.uninstall();
    check = undefined;
    await peer?.stop();
    peer = undefined;
  });

  it.each(FLAWS)("stock Baileys accepts a chain with flaw %s (the hole)", async (flaw) => {
    peer = await startWhatsAppPeer({ certChainFlaw: flaw });
    const client = connectClient(peer.wsUrl, createMemoryAuthStore());
    await client.waitFor((u) => !!u.qr);
    client.sock.end(undefined);
    await client.closed;
  });

  it.each(FLAWS)(
    "with the check installed, a chain with flaw %s closes the socket as server_certificate_invalid",
    async (flaw) => {
      peer = await startWhatsAppPeer({ certChainFlaw: flaw });
      check = installServerCertificateCheck({ trustRootKeyHex: peer.trustRootKeyHex });
      const client = connectClient(peer.wsUrl, createMemoryAuthStore());
      const closed = await client.closed;
      expect(isServerCertificateError(closed.error)).toBe(true);
      expect(closed.message).toMatch(/^server_certificate_invalid: /);
      expect(closed.statusCode).toBe(400);
      expect(client.updates.some((u) => u.qr)).toBe(false);
      expect(peer.stats().qrRefsIssued).toBe(0);
    },
  );

  it("without a test root, the peer's well-signed chain is refused (only WhatsApp's root is trusted)", async () => {
    peer = await startWhatsAppPeer();
    check = installServerCertificateCheck();
    const client = connectClient(peer.wsUrl, createMemoryAuthStore());
    const { error } = await client.closed;
    expect(isServerCertificateError(error)).toBe(true);
    expect((error as Error).message).toContain("not signed by the trusted root");
  });

  it("trusting the peer's root, a good chain pairs and logs in with the strict checks on", async () => {
    peer = await startWhatsAppPeer();
    check = installServerCertificateCheck({ trustRootKeyHex: peer.trustRootKeyHex });
    const running = peer;
    const { store, jid } = await pairWithQr(running.wsUrl, (qr) => running.scan(qr, "15556660001"));
    const client = await openClient(running.wsUrl, store);
    expect(running.stats().logins).toEqual({ [jid]: 1 });
    client.sock.end(undefined);
    await client.closed;
  });

  it("stock Baileys links to a phone whose account signature is forged (the hole)", async () => {
    peer = await startWhatsAppPeer({ badAccountSignature: true });
    const running = peer;
    const { jid } = await pairWithQr(running.wsUrl, (qr) => running.scan(qr, "15556660002"));
    expect(jid).toBe("15556660002:1@s.whatsapp.net");
  });

  it("with the check installed, a forged account signature aborts pairing", async () => {
    peer = await startWhatsAppPeer({ badAccountSignature: true });
    check = installServerCertificateCheck({ trustRootKeyHex: peer.trustRootKeyHex });
    const client = connectClient(peer.wsUrl, createMemoryAuthStore());
    const { qr } = await client.waitFor((u) => !!u.qr);
    await expect(peer.scan(qr as string, "15556660003")).rejects.toMatchObject({ code: "companion_refused" });
    expect((await client.closed).message).toBe("Failed to verify account signature");
    expect(peer.stats().pairings).toBe(0);
  });
});
