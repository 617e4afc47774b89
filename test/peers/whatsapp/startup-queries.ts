/**
 * Answers the queries a logged-in Baileys sends, the ones awaited before `connection: 'open'`
 * (pre-key count, pre-key upload, passive/active, digest) and the ones fired after it (props,
 * blocklist, privacy), plus keep-alive pings and logout. Anything else gets an empty result and
 * is counted in `unhandledQueries`, so a test can see what the peer does not model.
 */
import { type BinaryNode, getBinaryNodeChild, getBinaryNodeChildren } from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import { deviceRemoved, endSockets } from "./login.js";
import { childBytes, firstChildTag, iqError, iqResult } from "./nodes.js";
import { KEY_TYPE, verifyXEdDSA } from "./signatures.js";
import { type DeviceRecord, increment, type PeerState } from "./state.js";

/** Answers one iq from a logged-in connection of device `jid`. */
export function answerQuery(state: PeerState, conn: PeerConnection, jid: string, iq: BinaryNode): void {
  const record = state.devices.get(jid);
  if (!record) {
    conn.sendNode(iqError(iq, 401, "not-authorized"));
    return;
  }
  const xmlns = iq.attrs.xmlns ?? "";
  const child = firstChildTag(iq) ?? "";
  const route = `${xmlns}/${child}`;
  switch (route) {
    case "encrypt/count":
      conn.sendNode(iqResult(iq, [{ tag: "count", attrs: { value: String(record.preKeyCount) } }]));
      return;
    case "encrypt/registration":
      answerPreKeyUpload(state, conn, record, iq);
      return;
    case "encrypt/digest":
      conn.sendNode(iqResult(iq, [{ tag: "digest", attrs: {} }]));
      return;
    case "encrypt/rotate":
    case "passive/active":
    case "passive/passive":
    case "w:p/ping":
      conn.sendNode(iqResult(iq));
      return;
    case "abt/props":
      conn.sendNode(iqResult(iq, [{ tag: "props", attrs: { protocol: "1", hash: PROPS_HASH } }]));
      return;
    case "blocklist/":
      conn.sendNode(iqResult(iq, [{ tag: "list", attrs: {} }]));
      return;
    case "privacy/privacy":
      conn.sendNode(iqResult(iq, [{ tag: "privacy", attrs: {} }]));
      return;
    case "md/remove-companion-device":
      // The companion logs itself out: the server forgets the device; Baileys closes with 401.
      conn.sendNode(iqResult(iq));
      state.devices.delete(jid);
      endSockets(state, jid, deviceRemoved());
      return;
    default:
      increment(state.unhandledQueries, route);
      conn.sendNode(iqResult(iq));
  }
}

// --- Internal helpers ---

const PROPS_HASH = "sessionvault-peer-1";

/**
 * `<registration/><type>05</type><identity/><list><key>…</key></list><skey/>`: the identity
 * must be the device's, the signed pre-key's signature must verify with it, and the server
 * then holds the listed one-time pre-keys.
 */
function answerPreKeyUpload(
  state: PeerState,
  conn: PeerConnection,
  record: DeviceRecord,
  iq: BinaryNode,
): void {
  const identity = childBytes(iq, "identity");
  const skey = getBinaryNodeChild(iq, "skey");
  const skeyValue = childBytes(skey, "value");
  const skeySignature = childBytes(skey, "signature");
  const keys = getBinaryNodeChildren(getBinaryNodeChild(iq, "list"), "key");
  const valid =
    identity?.equals(record.identityKey) &&
    skeyValue &&
    skeySignature &&
    verifyXEdDSA(record.identityKey, Buffer.concat([KEY_TYPE, skeyValue]), skeySignature) &&
    keys.every((key) => childBytes(key, "value")?.length === 32);
  if (!valid) {
    conn.sendNode(iqError(iq, 406, "not-acceptable"));
    return;
  }
  record.preKeyCount += keys.length;
  increment(state.preKeysUploaded, record.jid, keys.length);
  conn.sendNode(iqResult(iq));
}
