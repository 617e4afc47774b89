/**
 * The one place the connector verifies WhatsApp's server certificate chain for real.
 *
 * Why: in Baileys 7.0.0-rc14 `Curve.verify` returns true unless libsignal *throws*, and
 * libsignal 6's `verifySignature` *returns* false on a bad signature. So the client's own
 * checks of the noise certificate chain (and of the phone's account signature at pairing)
 * accept any well-formed signature: any server can claim to be WhatsApp.
 *
 * How: `installServerCertificateCheck` patches three process-wide, mutable exports of Baileys:
 * - `proto.CertChain.decode` (called exactly once per handshake, in `processHandshake`, on the
 *   decrypted chain) first verifies the whole chain against the trusted root and throws
 *   `ServerCertificateError` when it does not verify; Baileys ends the socket with that error,
 *   so `connection.update` closes with `lastDisconnect.error` = the `ServerCertificateError`;
 * - `Curve.verify` uses libsignal's return value, which also makes the pairing
 *   account-signature check real;
 * - `WA_CERT_DETAILS.PUBLIC_KEY` becomes the trusted root, so Baileys' own (now strict)
 *   intermediate check agrees with ours.
 * `Curve.sharedKey` is wrapped only to see the server's static key, which the leaf must name:
 * WhatsApp's genuine chain is public, so a chain that verifies but names another key is a replay.
 *
 * Trust: WhatsApp's production root unless `trustRootKeyHex` is given. The caller must honour
 * a test root only together with a test endpoint: see `resolveWhatsAppTrust`.
 */
import { Curve, proto, WA_CERT_DETAILS } from "@whiskeysockets/baileys";
import { verifySignature } from "libsignal/src/curve.js";

/** The reason code the connector surfaces (status `failed`). */
export const SERVER_CERTIFICATE_INVALID = "server_certificate_invalid";

/** WhatsApp's production root key ("WhatsAppLongTerm1"), as Baileys ships it. */
export const WHATSAPP_ROOT_KEY_HEX = Buffer.from(WA_CERT_DETAILS.PUBLIC_KEY).toString("hex");

/**
 * Thrown inside Baileys' handshake when the server's chain does not verify; it reaches the app
 * as `lastDisconnect.error`. `output.statusCode` is 400, like Baileys' own handshake failures,
 * for code that reads Boom-shaped errors.
 */
export class ServerCertificateError extends Error {
  readonly code = SERVER_CERTIFICATE_INVALID;
  readonly output = { statusCode: 400 };
  constructor(readonly detail: string) {
    super(`${SERVER_CERTIFICATE_INVALID}: ${detail}`);
    this.name = "ServerCertificateError";
  }
}

/** True for the error a refused server certificate closes the socket with. */
export function isServerCertificateError(error: unknown): error is ServerCertificateError {
  return (
    error instanceof ServerCertificateError ||
    (typeof error === "object" &&
      error !== null &&
      (error as { code?: unknown }).code === SERVER_CERTIFICATE_INVALID)
  );
}

/** An installed check. */
export interface ServerCertificateCheck {
  /** The root public key (hex) chains must verify against. */
  readonly trustRootKeyHex: string;
  /** Restores Baileys' stock behaviour (for tests). */
  uninstall(): void;
}

/**
 * Installs the check process-wide; call once at start-up, before any socket is made.
 * Idempotent for the same root; throws when a check with another root is installed, or when
 * `trustRootKeyHex` is not 32 bytes of hex.
 */
export function installServerCertificateCheck(
  opts: { trustRootKeyHex?: string } = {},
): ServerCertificateCheck {
  const root = parseRootKey(opts.trustRootKeyHex ?? WHATSAPP_ROOT_KEY_HEX);
  const rootHex = root.toString("hex");
  if (installed) {
    if (installed.trustRootKeyHex === rootHex) return installed;
    throw new Error(`a server certificate check for root ${installed.trustRootKeyHex} is already installed`);
  }
  const stock = { decode: proto.CertChain.decode, verify: Curve.verify, sharedKey: Curve.sharedKey };
  const stockRoot = WA_CERT_DETAILS.PUBLIC_KEY;
  let lastAgreementKey: Buffer | undefined;

  Curve.sharedKey = (privateKey, publicKey) => {
    lastAgreementKey = Buffer.from(publicKey);
    return stock.sharedKey(privateKey, publicKey);
  };
  Curve.verify = verifyStrict;
  WA_CERT_DETAILS.PUBLIC_KEY = root;
  proto.CertChain.decode = function decodeVerifiedCertChain(
    this: unknown,
    ...args: Parameters<typeof stock.decode>
  ) {
    // processHandshake runs synchronously from the DH with the server's static key to here.
    const serverStatic = lastAgreementKey;
    lastAgreementKey = undefined;
    const [bytes] = args;
    if (bytes instanceof Uint8Array) {
      const problem = verifyServerCertificateChain(bytes, { root, serverStatic });
      if (problem) throw new ServerCertificateError(problem);
    }
    return stock.decode.apply(this, args);
  };

  const check: ServerCertificateCheck = {
    trustRootKeyHex: rootHex,
    uninstall() {
      if (installed !== check) return;
      proto.CertChain.decode = stock.decode;
      Curve.verify = stock.verify;
      Curve.sharedKey = stock.sharedKey;
      WA_CERT_DETAILS.PUBLIC_KEY = stockRoot;
      installed = undefined;
    },
  };
  installed = check;
  return check;
}

/**
 * Verifies an encoded `proto.CertChain` the way whatsmeow does: intermediate signed by `root`
 * with issuer serial 0, leaf signed by the intermediate's key with the intermediate's serial as
 * issuer, the leaf naming the server's static key (a missing `serverStatic` fails), and both
 * certificates inside their `notBefore`..`notAfter` window at `now` (default: the clock).
 * Returns what is wrong, or undefined when the chain verifies.
 */
export function verifyServerCertificateChain(
  chain: Uint8Array,
  opts: { root: Uint8Array; serverStatic?: Uint8Array; now?: Date },
): string | undefined {
  let leaf: Certificate;
  let intermediate: Certificate;
  try {
    const decoded = STOCK_DECODE.call(proto.CertChain, chain);
    intermediate = readCertificate(decoded.intermediate, "intermediate");
    leaf = readCertificate(decoded.leaf, "leaf");
  } catch (err) {
    return (err as Error).message;
  }
  if (intermediate.details.issuerSerial !== ROOT_SERIAL) return "intermediate is not issued by the root";
  if (!verifyStrict(opts.root, intermediate.raw, intermediate.signature)) {
    return "intermediate is not signed by the trusted root";
  }
  if (leaf.details.issuerSerial !== intermediate.details.serial)
    return "leaf is not issued by the intermediate";
  if (!verifyStrict(intermediate.details.key, leaf.raw, leaf.signature)) {
    return "leaf is not signed by the intermediate";
  }
  if (!opts.serverStatic || !Buffer.from(leaf.details.key).equals(Buffer.from(opts.serverStatic))) {
    return "leaf does not name the server's static key";
  }
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  for (const [name, cert] of [
    ["intermediate", intermediate],
    ["leaf", leaf],
  ] as const) {
    if (now < cert.details.notBefore) return `${name} certificate is not valid yet`;
    if (now > cert.details.notAfter) return `${name} certificate has expired`;
  }
  return undefined;
}

/**
 * The WhatsApp endpoint the environment asks for. `WHATSAPP_TRUST_ROOT_KEY` (hex) is honoured
 * only together with `WHATSAPP_WS_URL`: trusting another root is for a test server, never for
 * WhatsApp itself. Without `WHATSAPP_WS_URL` both are unset (WhatsApp's URL and root), and
 * `trustRootKeyIgnored` tells the caller to warn. Throws when an honoured root is not 32 bytes of hex.
 */
export function resolveWhatsAppTrust(env: Readonly<Record<string, string | undefined>>): {
  wsUrl?: string;
  trustRootKeyHex?: string;
  trustRootKeyIgnored: boolean;
} {
  const wsUrl = env.WHATSAPP_WS_URL?.trim() || undefined;
  const root = env.WHATSAPP_TRUST_ROOT_KEY?.trim() || undefined;
  if (!wsUrl) return { trustRootKeyIgnored: root !== undefined };
  if (!root) return { wsUrl, trustRootKeyIgnored: false };
  return { wsUrl, trustRootKeyHex: parseRootKey(root).toString("hex"), trustRootKeyIgnored: false };
}

// --- Internal helpers ---

const ROOT_SERIAL = WA_CERT_DETAILS.SERIAL;
const STOCK_DECODE = proto.CertChain.decode;
let installed: ServerCertificateCheck | undefined;

interface Certificate {
  raw: Uint8Array;
  signature: Uint8Array;
  details: {
    serial: number;
    issuerSerial: number | undefined;
    key: Uint8Array;
    notBefore: number;
    notAfter: number;
  };
}

function readCertificate(
  cert: proto.CertChain.INoiseCertificate | null | undefined,
  name: string,
): Certificate {
  if (!cert?.details || !cert.signature) throw new Error(`${name} certificate is missing`);
  const details = proto.CertChain.NoiseCertificate.Details.decode(cert.details);
  if (details.key?.length !== 32 || details.serial == null)
    throw new Error(`${name} certificate details are incomplete`);
  return {
    raw: cert.details,
    signature: cert.signature,
    details: {
      serial: details.serial,
      issuerSerial: details.issuerSerial ?? undefined,
      key: details.key,
      // Absent dates read as 0, so a certificate without `notAfter` has expired (as in whatsmeow).
      notBefore: Number(details.notBefore ?? 0),
      notAfter: Number(details.notAfter ?? 0),
    },
  };
}

/** XEdDSA verification that uses libsignal's return value (false on a bad or malformed signature). */
function verifyStrict(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const prefixed = Buffer.concat([KEY_TYPE, publicKey]);
    return verifySignature(prefixed, Buffer.from(message), Buffer.from(signature)) === true;
  } catch {
    return false;
  }
}

const KEY_TYPE = Buffer.from([5]);

function parseRootKey(hex: string): Buffer<ArrayBuffer> {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new Error("trust root key must be 32 bytes of hex (64 characters)");
  return Buffer.from(hex, "hex");
}
