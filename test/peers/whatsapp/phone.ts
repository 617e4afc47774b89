/**
 * The simulated primary phone's part of linking a companion: reading the QR, signing the
 * device identity (ADV) with the account key, and checking the companion's counter-signature.
 */
import { createHmac, randomInt } from "node:crypto";
import { Curve, proto, WA_ADV_ACCOUNT_SIG_PREFIX, WA_ADV_DEVICE_SIG_PREFIX } from "@whiskeysockets/baileys";
import { verifyXEdDSA } from "./signatures.js";
import type { PhoneRecord } from "./state.js";

/** The fields of a WhatsApp Web linking QR. */
export interface LinkingQr {
  ref: string;
  noiseKey: Buffer;
  identityKey: Buffer;
  /** The raw 32-byte ADV secret (the QR carries it base64). */
  advSecret: Buffer;
  platformId: string;
}

/** Parses `https://wa.me/settings/linked_devices#ref,noise,identity,adv,platform`; throws if malformed. */
export function parseLinkingQr(qr: string): LinkingQr {
  if (!qr.startsWith(QR_PREFIX)) throw new Error("not a WhatsApp linking QR");
  const parts = qr.slice(QR_PREFIX.length).split(",");
  const [ref, noise, identity, adv, platformId] = parts;
  if (parts.length !== 5 || !ref || !noise || !identity || !adv || !platformId) {
    throw new Error(`linking QR has ${parts.length} fields, expected 5`);
  }
  const qrData = {
    ref,
    noiseKey: Buffer.from(noise, "base64"),
    identityKey: Buffer.from(identity, "base64"),
    advSecret: Buffer.from(adv, "base64"),
    platformId,
  };
  if (qrData.noiseKey.length !== 32 || qrData.identityKey.length !== 32 || qrData.advSecret.length !== 32) {
    throw new Error("linking QR keys have the wrong length");
  }
  return qrData;
}

/** What the phone sends in `pair-success`, and what it must see signed back. */
export interface SignedDevice {
  keyIndex: number;
  /** Encoded `ADVDeviceIdentity` (D). */
  details: Buffer;
  accountSignature: Buffer;
  /** Encoded `ADVSignedDeviceIdentityHMAC` for `<device-identity>`. */
  identityHmac: Buffer;
}

/**
 * Signs a new device identity for `companionIdentityKey`: D = ADVDeviceIdentity, account
 * signature over [6,0] ‖ D ‖ companion identity with the phone's identity key, and the
 * HMAC-SHA256 of the signed identity keyed by the ADV secret.
 */
export function signDeviceIdentity(opts: {
  phone: PhoneRecord;
  keyIndex: number;
  companionIdentityKey: Buffer;
  advSecret: Buffer;
  /** Test flaw: sign the account signature with a key that is not the phone's. */
  badAccountSignature?: boolean;
}): SignedDevice {
  const details = Buffer.from(
    proto.ADVDeviceIdentity.encode({
      rawId: randomInt(1, 2 ** 31),
      timestamp: Math.floor(Date.now() / 1000),
      keyIndex: opts.keyIndex,
      accountType: proto.ADVEncryptionType.E2EE,
      deviceType: proto.ADVEncryptionType.E2EE,
    }).finish(),
  );
  const signer = opts.badAccountSignature ? Curve.generateKeyPair() : opts.phone.identityKeyPair;
  const accountSignature = Buffer.from(
    Curve.sign(
      signer.private,
      Buffer.concat([WA_ADV_ACCOUNT_SIG_PREFIX, details, opts.companionIdentityKey]),
    ),
  );
  const signed = proto.ADVSignedDeviceIdentity.encode({
    details,
    accountSignatureKey: opts.phone.identityKeyPair.public,
    accountSignature,
  }).finish();
  const hmac = createHmac("sha256", opts.advSecret).update(signed).digest();
  const identityHmac = Buffer.from(
    proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish(),
  );
  return { keyIndex: opts.keyIndex, details, accountSignature, identityHmac };
}

/**
 * Checks the companion's `pair-device-sign` identity: same details and account signature as
 * sent, and a device signature over [6,1] ‖ D ‖ companion identity ‖ phone identity that
 * verifies with the companion's identity key. Returns a reason string, or undefined when valid.
 */
export function checkDeviceSignature(opts: {
  sent: SignedDevice;
  replyKeyIndex: string | undefined;
  replyIdentity: Uint8Array | undefined;
  companionIdentityKey: Buffer;
  phone: PhoneRecord;
}): string | undefined {
  if (opts.replyKeyIndex !== String(opts.sent.keyIndex)) return "key-index mismatch";
  if (!opts.replyIdentity) return "no device-identity";
  const reply = proto.ADVSignedDeviceIdentity.decode(opts.replyIdentity);
  if (!reply.details || !Buffer.from(reply.details).equals(opts.sent.details)) return "details changed";
  if (!reply.accountSignature || !Buffer.from(reply.accountSignature).equals(opts.sent.accountSignature)) {
    return "account signature changed";
  }
  if (!reply.deviceSignature) return "no device signature";
  const message = Buffer.concat([
    WA_ADV_DEVICE_SIG_PREFIX,
    opts.sent.details,
    opts.companionIdentityKey,
    opts.phone.identityKeyPair.public,
  ]);
  return verifyXEdDSA(opts.companionIdentityKey, message, reply.deviceSignature)
    ? undefined
    : "device signature invalid";
}

// --- Internal helpers ---

const QR_PREFIX = "https://wa.me/settings/linked_devices#";
