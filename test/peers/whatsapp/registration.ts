/**
 * A connection whose ClientPayload carries `devicePairingData` wants to register: the server
 * checks the companion's key bundle and hands it QR refs (`pair-device`), which Baileys turns
 * into QR strings with its own keys.
 */
import { randomBytes } from "node:crypto";
import { S_WHATSAPP_NET } from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import { unixNow } from "./nodes.js";
import { KEY_TYPE, verifyXEdDSA } from "./signatures.js";
import type { PeerState } from "./state.js";

/**
 * Checks the registration payload (identity key shape, signed pre-key signature made by that
 * identity key) and sends `refCount` QR refs. Returns false, after sending
 * `<failure reason='401'/>`, when the bundle does not check out.
 */
export function startRegistration(state: PeerState, conn: PeerConnection, refCount: number): boolean {
  const data = conn.payload.devicePairingData;
  const identityKey = data?.eIdent ? Buffer.from(data.eIdent) : undefined;
  const skey = data?.eSkeyVal;
  const skeySig = data?.eSkeySig;
  const regId = data?.eRegid;
  const valid =
    identityKey?.length === 32 &&
    skey?.length === 32 &&
    skeySig?.length === 64 &&
    regId?.length === 4 &&
    verifyXEdDSA(identityKey, Buffer.concat([KEY_TYPE, skey]), skeySig);
  if (!valid || !identityKey || !regId) {
    conn.end({ tag: "failure", attrs: { reason: "401" } });
    return false;
  }
  const refs = Array.from({ length: refCount }, () => `2@${randomBytes(24).toString("base64")}`);
  state.registrations.set(conn, { identityKey, registrationId: Buffer.from(regId).readUInt32BE(0), refs });
  for (const ref of refs) state.refs.set(ref, conn);
  state.qrRefsIssued += refs.length;
  conn.sendNode({
    tag: "iq",
    attrs: { from: S_WHATSAPP_NET, type: "set", id: `pair-${conn.id}-${unixNow()}`, xmlns: "md" },
    content: [
      {
        tag: "pair-device",
        attrs: {},
        content: refs.map((ref) => ({ tag: "ref", attrs: {}, content: Buffer.from(ref, "utf8") })),
      },
    ],
  });
  return true;
}
