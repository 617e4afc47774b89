/**
 * Pairing by code ("link with phone number"): Baileys' `requestPairingCode` sends
 * `link_code_companion_reg` stage `companion_hello`; the phone owner types the code
 * (`POST /pair-code`); the phone answers with a `link_code_companion_reg` notification; the
 * companion replies `companion_finish` with its key bundle; then pairing ends as in the QR path.
 */
import { randomBytes } from "node:crypto";
import {
  type BinaryNode,
  Curve,
  getBinaryNodeChild,
  jidDecode,
  S_WHATSAPP_NET,
} from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import { deriveAdvSecret, openKeyBundle, unwrapEphemeral, wrapEphemeral } from "./link-code.js";
import { childBytes, iqError, iqResult, unixNow } from "./nodes.js";
import { completePairing, type PairedDevice, PairingError, type PhoneBehaviour } from "./pairing.js";
import { type PeerState, phoneFor } from "./state.js";

/**
 * Answers `<iq xmlns='md'><link_code_companion_reg stage=…>`: records a `companion_hello`
 * (returning its ref) and hands a `companion_finish` to the waiting `pairWithCode`.
 * Returns false when `iq` is not such a request.
 */
export function handleLinkCodeIq(state: PeerState, conn: PeerConnection, iq: BinaryNode): boolean {
  const reg = getBinaryNodeChild(iq, "link_code_companion_reg");
  if (!reg) return false;
  if (reg.attrs.stage === "companion_finish") {
    const request = [...state.linkCodes.values()].find((r) => r.conn === conn);
    if (request?.onFinish) request.onFinish(iq);
    else conn.sendNode(iqError(iq, 404, "no pairing in progress"));
    return true;
  }
  const phone = jidDecode(reg.attrs.jid)?.user;
  const wrapped = childBytes(reg, "link_code_pairing_wrapped_companion_ephemeral_pub");
  const authKey = childBytes(reg, "companion_server_auth_key_pub");
  if (reg.attrs.stage !== "companion_hello" || !phone || !wrapped || !state.registrations.has(conn)) {
    conn.sendNode(iqError(iq, 400, "bad-request"));
    return true;
  }
  if (!authKey?.equals(conn.clientStatic)) {
    conn.sendNode(iqError(iq, 401, "companion_server_auth_key_pub is not the noise key"));
    return true;
  }
  const ref = randomBytes(16).toString("base64url");
  state.linkCodes.set(phone, { phone, conn, ref, wrappedCompanionEphemeral: wrapped });
  conn.sendNode(
    iqResult(iq, [
      {
        tag: "link_code_companion_reg",
        attrs: {},
        content: [{ tag: "link_code_pairing_ref", attrs: {}, content: Buffer.from(ref) }],
      },
    ]),
  );
  return true;
}

/**
 * The phone owner types `code` for the pending request of `phone`: the phone unwraps the
 * companion's ephemeral key with it, sends its own wrapped ephemeral key in a
 * `link_code_companion_reg` notification, opens the companion's key bundle (fails with
 * `pairing_code_rejected` when the codes differ; the request stays open for another try),
 * derives the ADV secret and links the device as in the QR path.
 */
export async function pairWithCode(
  state: PeerState,
  phone: string,
  code: string,
  behaviour: PhoneBehaviour = {},
): Promise<PairedDevice> {
  const request = state.linkCodes.get(phone);
  if (!request || request.conn.closed) {
    throw new PairingError("no_pairing_request", `no pairing-code request for ${phone}`, 404);
  }
  const { conn } = request;
  const reg = state.registrations.get(conn);
  if (!reg) throw new PairingError("no_pairing_request", "the requesting connection is not registering", 404);
  const typed = code.replace(/-/g, "").toUpperCase();
  const phoneRecord = phoneFor(state, phone);
  const companionEphemeral = await unwrapEphemeral(typed, request.wrappedCompanionEphemeral);
  const primaryEphemeral = Curve.generateKeyPair();
  const finished = waitForFinish(request, FINISH_TIMEOUT_MS);
  conn.sendNode({
    tag: "notification",
    attrs: {
      from: S_WHATSAPP_NET,
      type: "link_code_companion_reg",
      id: `lc-${randomBytes(6).toString("hex")}`,
      t: unixNow(),
    },
    content: [
      {
        tag: "link_code_companion_reg",
        attrs: {},
        content: [
          { tag: "link_code_pairing_ref", attrs: {}, content: Buffer.from(request.ref) },
          { tag: "primary_identity_pub", attrs: {}, content: phoneRecord.identityKeyPair.public },
          {
            tag: "link_code_pairing_wrapped_primary_ephemeral_pub",
            attrs: {},
            content: await wrapEphemeral(typed, primaryEphemeral.public),
          },
        ],
      },
    ],
  });
  const finishIq = await finished;
  const finish = getBinaryNodeChild(finishIq, "link_code_companion_reg");
  const wrappedBundle = childBytes(finish, "link_code_pairing_wrapped_key_bundle");
  const companionIdentity = childBytes(finish, "companion_identity_public");
  const finishRef = childBytes(finish, "link_code_pairing_ref")?.toString();
  if (!wrappedBundle || !companionIdentity || finishRef !== request.ref) {
    conn.sendNode(iqError(finishIq, 400, "bad-request"));
    throw new PairingError("bad_companion_finish", "companion_finish lacks the bundle, identity or ref");
  }
  let opened: ReturnType<typeof openKeyBundle>;
  try {
    opened = openKeyBundle({ primaryEphemeral, companionEphemeralPublic: companionEphemeral, wrappedBundle });
  } catch {
    conn.sendNode(iqError(finishIq, 403, "forbidden"));
    throw new PairingError("pairing_code_rejected", "the key bundle does not open: wrong pairing code", 403);
  }
  const { bundle, sharedKey } = opened;
  if (
    !bundle.companionIdentityKey.equals(companionIdentity) ||
    !bundle.companionIdentityKey.equals(reg.identityKey) ||
    !bundle.primaryIdentityKey.equals(phoneRecord.identityKeyPair.public)
  ) {
    conn.sendNode(iqError(finishIq, 403, "forbidden"));
    throw new PairingError("pairing_code_rejected", "the key bundle names other identity keys", 403);
  }
  conn.sendNode(iqResult(finishIq));
  state.linkCodes.delete(phone);
  const advSecret = deriveAdvSecret({ sharedKey, primaryIdentity: phoneRecord.identityKeyPair, bundle });
  return completePairing(state, conn, {
    phone,
    companionIdentityKey: reg.identityKey,
    advSecret,
    ...behaviour,
  });
}

// --- Internal helpers ---

const FINISH_TIMEOUT_MS = 15_000;

function waitForFinish(
  request: { onFinish?: (iq: BinaryNode) => void },
  timeoutMs: number,
): Promise<BinaryNode> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      request.onFinish = undefined;
      reject(new PairingError("companion_silent", "the companion sent no companion_finish", 504));
    }, timeoutMs);
    request.onFinish = (iq) => {
      clearTimeout(timer);
      request.onFinish = undefined;
      resolve(iq);
    };
  });
}
