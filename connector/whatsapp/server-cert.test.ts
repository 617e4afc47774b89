import { Curve, type KeyPair, proto, WA_CERT_DETAILS } from "@whiskeysockets/baileys";
import { afterEach, describe, expect, it } from "vitest";
import {
  installServerCertificateCheck,
  isServerCertificateError,
  resolveWhatsAppTrust,
  type ServerCertificateCheck,
  ServerCertificateError,
  verifyServerCertificateChain,
  WHATSAPP_ROOT_KEY_HEX,
} from "./server-cert.js";

// Issue 4: the connector verifies the server certificate chain for real.
describe("resolveWhatsAppTrust", () => {
  const root = "ab".repeat(32);

  it("honours a trust root only together with a WebSocket URL", () => {
    expect(
      resolveWhatsAppTrust({ WHATSAPP_WS_URL: "ws://127.0.0.1:1/ws", WHATSAPP_TRUST_ROOT_KEY: root }),
    ).toEqual({
      wsUrl: "ws://127.0.0.1:1/ws",
      trustRootKeyHex: root,
      trustRootKeyIgnored: false,
    });
    expect(resolveWhatsAppTrust({ WHATSAPP_TRUST_ROOT_KEY: root })).toEqual({ trustRootKeyIgnored: true });
  });

  it("leaves both unset in production and keeps WhatsApp's root for a bare URL", () => {
    expect(resolveWhatsAppTrust({})).toEqual({ trustRootKeyIgnored: false });
    expect(resolveWhatsAppTrust({ WHATSAPP_WS_URL: "ws://x", WHATSAPP_TRUST_ROOT_KEY: " " })).toEqual({
      wsUrl: "ws://x",
      trustRootKeyIgnored: false,
    });
  });

  it("refuses a root that is not 32 bytes of hex", () => {
    expect(() =>
      resolveWhatsAppTrust({ WHATSAPP_WS_URL: "ws://x", WHATSAPP_TRUST_ROOT_KEY: "abcd" }),
    ).toThrow(/32 bytes of hex/);
  });
});

describe("verifyServerCertificateChain", () => {
  const root = Curve.generateKeyPair();
  const server = Curve.generateKeyPair();
  const verify = (chain: Uint8Array) =>
    verifyServerCertificateChain(chain, { root: root.public, serverStatic: server.public });

  it("accepts root -> intermediate -> leaf naming the server's static key", () => {
    expect(verify(buildChain({ root, serverStatic: server.public }))).toBeUndefined();
  });

  it.each([
    [
      "an intermediate signed by another root",
      { intermediateSigner: Curve.generateKeyPair() },
      /trusted root/,
    ],
    ["a leaf signed by another key", { leafSigner: Curve.generateKeyPair() }, /signed by the intermediate/],
    ["a leaf naming another key", { serverStatic: Curve.generateKeyPair().public }, /static key/],
    ["an intermediate without issuer serial 0", { intermediateIssuer: 7 }, /issued by the root/],
    ["a leaf whose issuer is not the intermediate", { leafIssuer: 9 }, /issued by the intermediate/],
    ["an expired leaf", { leafNotAfter: Math.floor(Date.now() / 1000) - 60 }, /leaf certificate has expired/],
    [
      "an intermediate not valid yet",
      { intermediateNotBefore: Math.floor(Date.now() / 1000) + 3600 },
      /not valid yet/,
    ],
  ] as const)("refuses %s", (_name, flaw, reason) => {
    expect(verify(buildChain({ root, serverStatic: server.public, ...flaw }))).toMatch(reason);
  });

  it("refuses a chain without a leaf, and bytes that are not a chain", () => {
    const intermediateOnly = proto.CertChain.encode({
      intermediate: proto.CertChain.decode(buildChain({ root, serverStatic: server.public })).intermediate,
    }).finish();
    expect(verify(intermediateOnly)).toMatch(/leaf certificate is missing/);
    expect(verify(Buffer.from("not a protobuf at all"))).toBeDefined();
  });
});

describe("installServerCertificateCheck", () => {
  let check: ServerCertificateCheck | undefined;
  afterEach(() => {
    check?.uninstall();
    check = undefined;
  });

  it("makes Curve.verify strict and trusts the given root until uninstalled", () => {
    const signer = Curve.generateKeyPair();
    const other = Curve.generateKeyPair();
    const message = Buffer.from("message");
    const signature = Curve.sign(signer.private, message);
    // The hole: stock rc14 accepts any well-formed signature.
    expect(Curve.verify(other.public, message, signature)).toBe(true);

    const root = Curve.generateKeyPair();
    check = installServerCertificateCheck({ trustRootKeyHex: Buffer.from(root.public).toString("hex") });
    expect(Curve.verify(other.public, message, signature)).toBe(false);
    expect(Curve.verify(signer.public, message, signature)).toBe(true);
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).equals(Buffer.from(root.public))).toBe(true);

    check.uninstall();
    check = undefined;
    expect(Curve.verify(other.public, message, signature)).toBe(true);
    expect(Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString("hex")).toBe(WHATSAPP_ROOT_KEY_HEX);
  });

  it("throws ServerCertificateError from CertChain.decode when the chain does not verify", () => {
    const root = Curve.generateKeyPair();
    const server = Curve.generateKeyPair();
    check = installServerCertificateCheck({ trustRootKeyHex: Buffer.from(root.public).toString("hex") });
    // The handshake does the DH with the server's static key just before decoding the chain.
    Curve.sharedKey(Curve.generateKeyPair().private, server.public);
    expect(proto.CertChain.decode(buildChain({ root, serverStatic: server.public })).leaf).toBeTruthy();

    Curve.sharedKey(Curve.generateKeyPair().private, server.public);
    const forged = buildChain({ root, serverStatic: server.public, leafSigner: Curve.generateKeyPair() });
    let thrown: unknown;
    try {
      proto.CertChain.decode(forged);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ServerCertificateError);
    expect(isServerCertificateError(thrown)).toBe(true);
    expect((thrown as ServerCertificateError).output.statusCode).toBe(400);
  });

  it("is idempotent for one root and refuses a second, different root", () => {
    check = installServerCertificateCheck();
    expect(check.trustRootKeyHex).toBe(WHATSAPP_ROOT_KEY_HEX);
    expect(installServerCertificateCheck()).toBe(check);
    expect(() => installServerCertificateCheck({ trustRootKeyHex: "cd".repeat(32) })).toThrow(
      /already installed/,
    );
  });
});

/** An encoded CertChain, correct unless a flaw is given. */
function buildChain(opts: {
  root: KeyPair;
  serverStatic: Uint8Array;
  intermediateSigner?: KeyPair;
  leafSigner?: KeyPair;
  intermediateIssuer?: number;
  leafIssuer?: number;
  intermediateNotBefore?: number;
  leafNotAfter?: number;
}): Uint8Array {
  const intermediate = Curve.generateKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    issuerSerial: opts.intermediateIssuer ?? 0,
    key: intermediate.public,
    notBefore: opts.intermediateNotBefore ?? now - 60,
    notAfter: now + 3600,
  }).finish();
  const leafDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 2,
    issuerSerial: opts.leafIssuer ?? 1,
    key: opts.serverStatic,
    notBefore: now - 60,
    notAfter: opts.leafNotAfter ?? now + 3600,
  }).finish();
  return proto.CertChain.encode({
    intermediate: {
      details: intermediateDetails,
      signature: Curve.sign((opts.intermediateSigner ?? opts.root).private, intermediateDetails),
    },
    leaf: {
      details: leafDetails,
      signature: Curve.sign((opts.leafSigner ?? intermediate).private, leafDetails),
    },
  }).finish();
}
