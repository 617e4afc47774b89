/**
 * Linking a registering companion to a simulated phone, by QR scan or by pairing code, ending
 * the way the real server does: `pair-success`, the companion's `pair-device-sign`, then
 * `<stream:error code='515'/>` so the client restarts and logs in.
 */
import { randomBytes } from "node:crypto";
import { type BinaryNode, getBinaryNodeChild, jidEncode, S_WHATSAPP_NET } from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import { streamError, unixNow } from "./nodes.js";
import { checkDeviceSignature, parseLinkingQr, signDeviceIdentity } from "./phone.js";
import { type PeerState, phoneFor } from "./state.js";

/** A device the phone linked. */
export interface PairedDevice {
  jid: string;
  lid: string;
  phone: string;
  device: number;
}

/** How the simulated phone misbehaves, for tests of the client's checks. */
export interface PhoneBehaviour {
  /** Sign the account signature with a key other than the phone's identity key. */
  badAccountSignature?: boolean;
}

/** A pairing the phone could not complete; `status` is the control API's HTTP status. */
export class PairingError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = "PairingError";
    this.code = code;
    this.status = status;
  }
}

/**
 * The phone scans `qr`: the ref must be one the peer issued to a live registering connection,
 * and the QR's noise and identity keys must be that connection's. Resolves once the companion
 * counter-signed and was sent 515.
 */
export async function scanQr(
  state: PeerState,
  qr: string,
  phone: string,
  behaviour: PhoneBehaviour = {},
): Promise<PairedDevice> {
  let data: ReturnType<typeof parseLinkingQr>;
  try {
    data = parseLinkingQr(qr);
  } catch (err) {
    throw new PairingError("invalid_qr", (err as Error).message);
  }
  const conn = state.refs.get(data.ref);
  const reg = conn && state.registrations.get(conn);
  if (!conn || !reg || conn.closed) throw new PairingError("unknown_ref", "QR ref unknown or expired", 404);
  if (!data.noiseKey.equals(conn.clientStatic) || !data.identityKey.equals(reg.identityKey)) {
    throw new PairingError("qr_mismatch", "QR keys are not the ones the companion connected with");
  }
  return completePairing(state, conn, {
    phone,
    companionIdentityKey: reg.identityKey,
    advSecret: data.advSecret,
    ...behaviour,
  });
}

/**
 * Sends `pair-success` for a registering connection (device identity signed by `phone`, HMAC
 * keyed by `advSecret`), checks the companion's `pair-device-sign`, records the device and
 * ends the connection with 515. Shared by the QR and pairing-code paths.
 */
export async function completePairing(
  state: PeerState,
  conn: PeerConnection,
  opts: { phone: string; companionIdentityKey: Buffer; advSecret: Buffer } & PhoneBehaviour,
): Promise<PairedDevice> {
  const reg = state.registrations.get(conn);
  if (!reg) throw new PairingError("not_registering", "the connection is not registering", 409);
  const phone = phoneFor(state, opts.phone);
  const device = phone.nextDevice++;
  const signed = signDeviceIdentity({
    phone,
    keyIndex: device,
    companionIdentityKey: opts.companionIdentityKey,
    advSecret: opts.advSecret,
    badAccountSignature: opts.badAccountSignature,
  });
  const jid = jidEncode(opts.phone, "s.whatsapp.net", device);
  const lid = jidEncode(phone.lidUser, "lid", device);
  let reply: BinaryNode;
  try {
    reply = await conn.request({
      tag: "iq",
      attrs: { from: S_WHATSAPP_NET, type: "set", id: `ps-${randomBytes(6).toString("hex")}`, t: unixNow() },
      content: [
        {
          tag: "pair-success",
          attrs: {},
          content: [
            { tag: "device-identity", attrs: { "key-index": String(device) }, content: signed.identityHmac },
            { tag: "platform", attrs: { name: "android" } },
            { tag: "device", attrs: { jid, lid } },
          ],
        },
      ],
    });
  } catch (err) {
    throw new PairingError("companion_refused", `the companion did not sign: ${(err as Error).message}`, 409);
  }
  const identityNode = getBinaryNodeChild(getBinaryNodeChild(reply, "pair-device-sign"), "device-identity");
  const problem =
    reply.attrs.type !== "result"
      ? `reply type ${reply.attrs.type}`
      : checkDeviceSignature({
          sent: signed,
          replyKeyIndex: identityNode?.attrs["key-index"],
          replyIdentity: identityNode?.content instanceof Uint8Array ? identityNode.content : undefined,
          companionIdentityKey: opts.companionIdentityKey,
          phone,
        });
  if (problem) {
    conn.end(streamError("401", { tag: "conflict", attrs: { type: "device_removed" } }));
    throw new PairingError("device_signature_invalid", problem, 409);
  }
  state.devices.set(jid, {
    jid,
    lid,
    phone: opts.phone,
    device,
    noiseKey: conn.clientStatic,
    identityKey: opts.companionIdentityKey,
    registrationId: reg.registrationId,
    preKeyCount: 0,
  });
  state.pairings += 1;
  conn.end(streamError("515"));
  return { jid, lid, phone: opts.phone, device };
}
