import { TelegramClient } from "telegram";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { PromisedNetSockets } from "telegram/extensions/PromisedNetSockets.js";
import { returnBigInt } from "telegram/Helpers.js";
import { StringSession } from "telegram/sessions/index.js";
import type { TelegramPeer } from "./peer.js";
import { publicKeyFromLine } from "./rsa-key.js";

/**
 * A bare GramJS client wired to `peer` without the app's wrapper (so the peer is proven on its own):
 * the peer's RSA key trusted, every socket sent to the peer, silent logs, few retries.
 * Test-only; the app builds clients with `core/telegram/gramjs-client.ts`.
 */
export function createBareClient(peer: TelegramPeer, session = ""): TelegramClient {
  trustPeerKey(peer);
  const string = new StringSession(session);
  if (!session) string.setDC(2, peer.host, 443);
  const port = peer.port;
  const host = peer.host;
  class PeerSocket extends PromisedNetSockets {
    override connect(_port: number, _ip: string): Promise<unknown> {
      return super.connect(port, host);
    }
  }
  return new TelegramClient(string, 12345, "0123456789abcdef", {
    networkSocket: PeerSocket,
    connectionRetries: 1,
    baseLogger: new Logger(LogLevel.NONE),
    floodSleepThreshold: 0,
  });
}

/** Fetches the last code sent to `phone` through the control API. */
export async function fetchCode(controlUrl: string, phone: string): Promise<string> {
  const res = await fetch(`${controlUrl}/codes?phone=${encodeURIComponent(phone)}`);
  if (!res.ok) throw new Error(`GET /codes: ${res.status}`);
  return ((await res.json()) as { code: string }).code;
}

function trustPeerKey(peer: TelegramPeer): void {
  // Re-derived from the published line, as an app would.
  const { n, e, fingerprint } = publicKeyFromLine(peer.rsaPublicKeyLine);
  _serverKeys.set(fingerprint.toString(), { n: returnBigInt(n), e });
}
