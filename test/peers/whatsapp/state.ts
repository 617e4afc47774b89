/**
 * Everything the peer remembers, in memory: the simulated phones, the devices paired to
 * them, live logged-in sockets, counters for `/stats`, and pairings in progress.
 */
import { type BinaryNode, Curve } from "@whiskeysockets/baileys";
import type { PeerConnection } from "./connection.js";
import type { KeyPair } from "./noise.js";

/** A companion device as the server recorded it at pairing. */
export interface DeviceRecord {
  /** `PHONE:DEVICE@s.whatsapp.net`, Baileys' `creds.me.id`; the identity in `/stats`. */
  jid: string;
  lid: string;
  phone: string;
  device: number;
  /** The noise static key the device paired with; a login must present the same. */
  noiseKey: Buffer;
  /** The companion's signed identity key (`creds.signedIdentityKey.public`). */
  identityKey: Buffer;
  registrationId: number;
  /** Pre-keys the device has uploaded and the server still holds. */
  preKeyCount: number;
}

/** A simulated primary phone: its account identity key signs the devices it links. */
export interface PhoneRecord {
  phone: string;
  identityKeyPair: KeyPair;
  lidUser: string;
  nextDevice: number;
}

/** What a registering (not yet paired) connection told the server. */
export interface Registration {
  identityKey: Buffer;
  registrationId: number;
  refs: string[];
}

/** The pairing-code request (`companion_hello`) a connection sent for `phone`. */
export interface LinkCodeRequest {
  phone: string;
  conn: PeerConnection;
  ref: string;
  /** salt(32) ‖ iv(16) ‖ AES-CTR(companion ephemeral public key) under PBKDF2(code). */
  wrappedCompanionEphemeral: Buffer;
  /** Set while `POST /pair-code` waits for the companion's `companion_finish` iq. */
  onFinish?: (iq: BinaryNode) => void;
}

/** The peer's whole memory. Maps are keyed as their comments say. */
export interface PeerState {
  /** By device jid. */
  devices: Map<string, DeviceRecord>;
  /** By phone number. */
  phones: Map<string, PhoneRecord>;
  /** Registering connections. */
  registrations: Map<PeerConnection, Registration>;
  /** QR ref → the connection it was issued to. */
  refs: Map<string, PeerConnection>;
  /** Phone number → its latest pairing-code request. */
  linkCodes: Map<string, LinkCodeRequest>;
  /** Device jid → logged-in connections. */
  live: Map<string, Set<PeerConnection>>;
  /** Logged-in connection → its device jid. */
  loggedIn: Map<PeerConnection, string>;
  logins: Map<string, number>;
  failedLogins: Map<string, number>;
  preKeysUploaded: Map<string, number>;
  /** `xmlns/child` of queries the peer has no handler for (answered with an empty result). */
  unhandledQueries: Map<string, number>;
  qrRefsIssued: number;
  pairings: number;
}

/** `GET /stats`. Counts are keyed by device jid. */
export interface PeerStats {
  /** Device jids currently linked (a logout or an unlink from the phone removes one). */
  linkedDevices: string[];
  liveSockets: Record<string, number>;
  logins: Record<string, number>;
  failedLogins: Record<string, number>;
  preKeysUploaded: Record<string, number>;
  qrRefsIssued: number;
  pairings: number;
  /** Phone numbers with a pairing-code request waiting for `POST /pair-code`. */
  pendingPairCodes: string[];
  unhandledQueries: Record<string, number>;
}

/** An empty state. */
export function createPeerState(): PeerState {
  return {
    devices: new Map(),
    phones: new Map(),
    registrations: new Map(),
    refs: new Map(),
    linkCodes: new Map(),
    live: new Map(),
    loggedIn: new Map(),
    logins: new Map(),
    failedLogins: new Map(),
    preKeysUploaded: new Map(),
    unhandledQueries: new Map(),
    qrRefsIssued: 0,
    pairings: 0,
  };
}

/** The phone for `phone`, created (with a fresh identity key and LID) on first use. */
export function phoneFor(state: PeerState, phone: string): PhoneRecord {
  const existing = state.phones.get(phone);
  if (existing) return existing;
  const lidUser = String(100_000_000_000_000 + state.phones.size * 7_919 + Number(phone.slice(-6)));
  const record: PhoneRecord = { phone, identityKeyPair: Curve.generateKeyPair(), lidUser, nextDevice: 1 };
  state.phones.set(phone, record);
  return record;
}

/** Adds 1 (or `by`) to a counter map. */
export function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Forgets a closed connection everywhere. */
export function forgetConnection(state: PeerState, conn: PeerConnection): void {
  const reg = state.registrations.get(conn);
  if (reg) for (const ref of reg.refs) state.refs.delete(ref);
  state.registrations.delete(conn);
  for (const [phone, request] of state.linkCodes) if (request.conn === conn) state.linkCodes.delete(phone);
  const jid = state.loggedIn.get(conn);
  if (jid) {
    state.loggedIn.delete(conn);
    const set = state.live.get(jid);
    set?.delete(conn);
    if (set?.size === 0) state.live.delete(jid);
  }
}

/** A JSON snapshot for `/stats`. */
export function snapshotStats(state: PeerState): PeerStats {
  const live: Record<string, number> = {};
  for (const [jid, set] of state.live) live[jid] = set.size;
  return {
    linkedDevices: [...state.devices.keys()],
    liveSockets: live,
    logins: Object.fromEntries(state.logins),
    failedLogins: Object.fromEntries(state.failedLogins),
    preKeysUploaded: Object.fromEntries(state.preKeysUploaded),
    qrRefsIssued: state.qrRefsIssued,
    pairings: state.pairings,
    pendingPairCodes: [...state.linkCodes.keys()],
    unhandledQueries: Object.fromEntries(state.unhandledQueries),
  };
}
