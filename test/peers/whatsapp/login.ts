/**
 * Login with stored creds: the ClientPayload names `username` (phone) and `device`; the server
 * answers `<success>` only when that device was paired and the handshake's static key is the
 * noise key it paired with, else `<failure reason='401'/>`. A second login of the same device
 * replaces the first, which gets `<stream:error><conflict type='replaced'/></stream:error>` (440).
 */
import { jidEncode } from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import { streamError, unixNow } from "./nodes.js";
import { increment, type PeerState } from "./state.js";

/** Checks and answers a login. Returns the device jid on success. */
export function handleLogin(
  state: PeerState,
  conn: PeerConnection,
  opts: { replaceOlderSockets: boolean },
): string | undefined {
  const { username, device } = conn.payload;
  const jid = jidEncode(String(username), "s.whatsapp.net", device ? Number(device) : undefined);
  const record = state.devices.get(jid);
  if (!record?.noiseKey.equals(conn.clientStatic)) {
    increment(state.failedLogins, jid);
    conn.end({ tag: "failure", attrs: { reason: "401" } });
    return undefined;
  }
  if (opts.replaceOlderSockets) endSockets(state, jid, conflictReplaced());
  let set = state.live.get(jid);
  if (!set) {
    set = new Set();
    state.live.set(jid, set);
  }
  set.add(conn);
  state.loggedIn.set(conn, jid);
  increment(state.logins, jid);
  conn.sendNode({ tag: "success", attrs: { t: unixNow(), lid: record.lid } });
  return jid;
}

/**
 * Ends every live socket of the device jid `jid` (or of every device of a bare phone jid)
 * with `finalNode`; they stop counting as live at once. Returns how many were ended.
 */
export function endSockets(
  state: PeerState,
  jid: string,
  finalNode: Parameters<PeerConnection["end"]>[0],
): number {
  let ended = 0;
  for (const [deviceJid, set] of [...state.live]) {
    if (deviceJid !== jid && !isDeviceOf(deviceJid, jid)) continue;
    for (const conn of set) {
      conn.end(finalNode);
      state.loggedIn.delete(conn);
      ended += 1;
    }
    state.live.delete(deviceJid);
  }
  return ended;
}

/** `<stream:error><conflict type='replaced'/></stream:error>`: Baileys' 440. */
export function conflictReplaced(): ReturnType<typeof streamError> {
  return streamError(undefined, { tag: "conflict", attrs: { type: "replaced" } });
}

/** `<stream:error code='401'><conflict type='device_removed'/></stream:error>`: Baileys' 401 loggedOut. */
export function deviceRemoved(): ReturnType<typeof streamError> {
  return streamError("401", { tag: "conflict", attrs: { type: "device_removed" } });
}

// --- Internal helpers ---

/** True when `deviceJid` (`PHONE:N@s.whatsapp.net`) belongs to the bare `PHONE@s.whatsapp.net`. */
function isDeviceOf(deviceJid: string, jid: string): boolean {
  const [user, server] = jid.split("@");
  return !jid.includes(":") && deviceJid.startsWith(`${user}:`) && deviceJid.endsWith(`@${server}`);
}
