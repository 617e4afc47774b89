/**
 * A local WhatsApp Web server for the real Baileys client, started in-process. One HTTP
 * server on loopback carries both the WebSocket (`wsUrl`, any path) and the control API.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type BinaryNode, Curve } from "@whiskeysockets/baileys";
import { type CertChainFlaw, createCertChain } from "./cert-chain.js";
import { serveConnection } from "./connection.js";
import { createControlHandler } from "./control-api.js";
import { conflictReplaced, deviceRemoved, endSockets, handleLogin } from "./login.js";
import { iqResult } from "./nodes.js";
import type { KeyPair } from "./noise.js";
import { handleLinkCodeIq, pairWithCode } from "./pair-code.js";
import { type PairedDevice, scanQr } from "./pairing.js";
import { startRegistration } from "./registration.js";
import { answerQuery } from "./startup-queries.js";
import { createPeerState, forgetConnection, type PeerStats, snapshotStats } from "./state.js";
import { attachWebSocketServer } from "./ws-server.js";

/** Options for `startWhatsAppPeer`; all optional. */
export interface WhatsAppPeerOptions {
  /** Loopback by default. */
  host?: string;
  /** 0 (any free port) by default. */
  port?: number;
  /** Present a broken certificate chain (see `CertChainFlaw`); `none` by default. */
  certChainFlaw?: CertChainFlaw;
  /** The root key the chain is signed from; a fresh one by default. */
  rootKeyPair?: KeyPair;
  /** Phone number `POST /scan` links to when the body names none. */
  defaultPhone?: string;
  /** QR refs per `pair-device` (Baileys shows one QR per ref). 6 by default. */
  refsPerRegistration?: number;
  /** End an older socket with 440 when the same device logs in again. True by default. */
  replaceOlderSockets?: boolean;
  /** The simulated phone signs the account signature with a wrong key (tests the client's pairing check). */
  badAccountSignature?: boolean;
  /** Send `<ib><offline count='0'/></ib>` after login, like the server once offline delivery is done. True by default. */
  sendOfflineMarker?: boolean;
}

/** A running peer. */
export interface WhatsAppPeer {
  /** `ws://HOST:PORT/ws/chat`, for Baileys' `waWebSocketUrl`. */
  wsUrl: string;
  /** `http://HOST:PORT`, the control API. */
  controlUrl: string;
  /** The root public key (32 bytes, hex) the certificate chain is signed from. */
  trustRootKeyHex: string;
  /** In-process forms of the control API's routes. */
  scan(qr: string, phone?: string): Promise<PairedDevice>;
  pairWithCode(phone: string, code: string): Promise<PairedDevice>;
  logout(jid: string): number;
  conflict(jid: string): number;
  stats(): PeerStats;
  /** Drops every socket and closes the server. */
  stop(): Promise<void>;
}

/** Starts a peer; resolves once it listens. */
export async function startWhatsAppPeer(opts: WhatsAppPeerOptions = {}): Promise<WhatsAppPeer> {
  const config = { ...DEFAULTS, ...opts };
  const root = opts.rootKeyPair ?? Curve.generateKeyPair();
  const staticKeyPair = Curve.generateKeyPair();
  const certChain = createCertChain({
    root,
    serverStaticPublic: staticKeyPair.public,
    flaw: config.certChainFlaw,
  });
  const state = createPeerState();
  const phoneBehaviour = { badAccountSignature: config.badAccountSignature };

  const control = {
    scan: (qr: string, phone?: string) => scanQr(state, qr, phone ?? config.defaultPhone, phoneBehaviour),
    pairWithCode: (phone: string, code: string) => pairWithCode(state, phone, code, phoneBehaviour),
    logout(jid: string) {
      // The phone unlinks the device: it can no longer log in.
      for (const deviceJid of [...state.devices.keys()]) {
        if (deviceJid === jid || deviceJid.startsWith(`${jid.split("@")[0]}:`))
          state.devices.delete(deviceJid);
      }
      return endSockets(state, jid, deviceRemoved());
    },
    conflict: (jid: string) => endSockets(state, jid, conflictReplaced()),
    stats: () => snapshotStats(state),
  };

  const server = createServer(createControlHandler(control));
  let nextId = 1;
  const wss = attachWebSocketServer(server, (socket) => {
    serveConnection(socket, {
      id: nextId++,
      staticKeyPair,
      certChain,
      handlers: {
        onReady(conn) {
          if (conn.payload.devicePairingData) {
            startRegistration(state, conn, config.refsPerRegistration);
            return;
          }
          const jid = handleLogin(state, conn, { replaceOlderSockets: config.replaceOlderSockets });
          if (jid && config.sendOfflineMarker) conn.sendNode(OFFLINE_MARKER);
        },
        onNode(conn, node) {
          routeNode(conn, node);
        },
        onClose(conn) {
          forgetConnection(state, conn);
        },
      },
    });
  });

  const routeNode = (conn: Parameters<typeof answerQuery>[1], node: BinaryNode) => {
    if (node.tag !== "iq" || (node.attrs.type !== "get" && node.attrs.type !== "set")) return;
    const jid = state.loggedIn.get(conn);
    if (jid) {
      answerQuery(state, conn, jid, node);
      return;
    }
    if (handleLinkCodeIq(state, conn, node)) return;
    // Before login the client only pings (keep-alive runs from the QR phase on).
    conn.sendNode(iqResult(node));
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `${config.host}:${port}`;
  return {
    wsUrl: `ws://${base}/ws/chat`,
    controlUrl: `http://${base}`,
    trustRootKeyHex: Buffer.from(root.public).toString("hex"),
    ...control,
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// --- Internal helpers ---

const DEFAULTS = {
  host: "127.0.0.1",
  port: 0,
  certChainFlaw: "none" as CertChainFlaw,
  defaultPhone: "15550001111",
  refsPerRegistration: 6,
  replaceOlderSockets: true,
  sendOfflineMarker: true,
  badAccountSignature: false,
};

const OFFLINE_MARKER: BinaryNode = {
  tag: "ib",
  attrs: {},
  content: [{ tag: "offline", attrs: { count: "0" } }],
};
