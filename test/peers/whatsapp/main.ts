/**
 * `npm run peer:whatsapp`: starts the peer and prints, one per line, what the stack needs to
 * use it (`WHATSAPP_WS_URL`, `WHATSAPP_TRUST_ROOT_KEY`) and the control API (`PEER_CONTROL_URL`),
 * then runs until SIGINT/SIGTERM. Env: `WHATSAPP_PEER_PORT` (default: any free port),
 * `WHATSAPP_PEER_CERT_FLAW` (a `CertChainFlaw`, default `none`).
 */
import type { CertChainFlaw } from "./cert-chain.js";
import { startWhatsAppPeer } from "./peer.js";

const FLAWS: readonly CertChainFlaw[] = [
  "none",
  "leaf-signed-by-other-key",
  "intermediate-signed-by-other-root",
  "leaf-names-other-key",
];

const flaw = (process.env.WHATSAPP_PEER_CERT_FLAW ?? "none") as CertChainFlaw;
if (!FLAWS.includes(flaw)) {
  console.error(`WHATSAPP_PEER_CERT_FLAW must be one of ${FLAWS.join(", ")}`);
  process.exit(2);
}
const port = Number(process.env.WHATSAPP_PEER_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error("WHATSAPP_PEER_PORT must be a port number");
  process.exit(2);
}

const peer = await startWhatsAppPeer({ port, certChainFlaw: flaw });
process.stdout.write(
  `WHATSAPP_WS_URL=${peer.wsUrl}\nWHATSAPP_TRUST_ROOT_KEY=${peer.trustRootKeyHex}\nPEER_CONTROL_URL=${peer.controlUrl}\n`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    peer.stop().finally(() => process.exit(0));
  });
}
