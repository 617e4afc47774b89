import type { AddressInfo } from "node:net";
import { createServer, type Server, type Socket } from "node:net";
import { MsgIdClock, serveConnection } from "./connection.js";
import { createControlServer } from "./control-api.js";
import { createPeerRsaKey } from "./rsa-key.js";
import { type AccountInput, PeerState, type PeerStats } from "./state.js";

/** Options for `startTelegramPeer`; every field has a test-friendly default. */
export interface TelegramPeerOptions {
  /** Loopback address for both listeners. Default "127.0.0.1". */
  host?: string;
  /** MTProto port; default 0 (any free port). */
  port?: number;
  /** Control API port; default 0. */
  controlPort?: number;
  /** How long a login code stays valid. Default 5 minutes. */
  codeTtlMs?: number;
  /** How long a QR login token stays valid. Default 30 s, as on Telegram. */
  qrTokenTtlMs?: number;
  /** Create a plain account on first use of an unknown phone. Default true. */
  autoCreateAccounts?: boolean;
  /** PEM private key to reuse (e.g. across restarts); a fresh 2048-bit key otherwise. */
  rsaPrivateKeyPem?: string;
}

/** A running peer. The methods mirror the control API for in-process tests. */
export interface TelegramPeer {
  host: string;
  port: number;
  controlUrl: string;
  /** The public key as one line, the value for `TELEGRAM_TRUST_RSA_KEY`. */
  rsaPublicKeyLine: string;
  dcOverride: { host: string; port: number };
  /** The environment the app needs to talk to this peer. */
  env: { TELEGRAM_DC_OVERRIDE: string; TELEGRAM_TRUST_RSA_KEY: string; PEER_CONTROL_URL: string };
  upsertAccount(phone: string, input?: AccountInput): Promise<void>;
  lastCode(phone: string): string | undefined;
  revoke(phone: string): number;
  flood(phone: string, seconds: number): void;
  expireCode(phone: string): boolean;
  /**
   * Another device of `phone` scans a QR: `token` is the base64url of `tg://login?token=`. With `dcId`
   * other than 2 the account lives on that DC, so the key's next export answers loginTokenMigrateTo.
   */
  acceptLoginToken(token: string, phone: string, dcId?: number): void;
  /** Every QR token not yet accepted runs out now; returns how many did. */
  expireLoginTokens(): number;
  /** Accepts `authKey` from now on, logged in to `phone` when given; returns its auth_key_id. */
  registerAuthKey(authKey: Buffer, phone?: string): string;
  stats(): PeerStats;
  /** Closes both listeners and every open connection. */
  stop(): Promise<void>;
}

/** Starts the local Telegram DC peer (MTProto over TCPFull) and its control API on loopback. */
export async function startTelegramPeer(opts: TelegramPeerOptions = {}): Promise<TelegramPeer> {
  const host = opts.host ?? "127.0.0.1";
  const rsa = createPeerRsaKey(opts.rsaPrivateKeyPem);
  const state = new PeerState({
    codeTtlMs: opts.codeTtlMs ?? 5 * 60_000,
    autoCreateAccounts: opts.autoCreateAccounts ?? true,
    qrTokenTtlMs: opts.qrTokenTtlMs ?? 30_000,
  });
  const sockets = new Set<Socket>();
  const dc = { host, port: 0 };
  const clock = new MsgIdClock();
  const mtproto = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    serveConnection(socket, { state, rsa, dc, clock });
  });
  const control = createControlServer(state);
  const port = await listen(mtproto, host, opts.port ?? 0);
  dc.port = port;
  const controlPort = await listen(control, host, opts.controlPort ?? 0);
  const controlUrl = `http://${host}:${controlPort}`;
  return {
    host,
    port,
    controlUrl,
    rsaPublicKeyLine: rsa.publicKeyLine,
    dcOverride: { host, port },
    env: {
      TELEGRAM_DC_OVERRIDE: `${host}:${port}`,
      TELEGRAM_TRUST_RSA_KEY: rsa.publicKeyLine,
      PEER_CONTROL_URL: controlUrl,
    },
    upsertAccount: async (phone, input) => void (await state.upsertAccount(phone, input)),
    lastCode: (phone) => state.code(phone)?.code,
    revoke: (phone) => state.revoke(phone),
    flood: (phone, seconds) => state.setFlood(phone, seconds),
    expireCode: (phone) => state.expireCode(phone),
    acceptLoginToken: (token, phone, dcId) => state.acceptLoginToken(token, phone, dcId),
    expireLoginTokens: () => state.expireLoginTokens(),
    registerAuthKey: (authKey, phone) => state.addKey(authKey, phone),
    stats: () => state.stats(),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      control.closeAllConnections();
      await Promise.all([close(mtproto), close(control)]);
    },
  };
}

// --- Internal helpers ---

function listen(server: Server | import("node:http").Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server | import("node:http").Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
