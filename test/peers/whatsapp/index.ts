/** The local WhatsApp Web peer for the real Baileys client (issue 4). */
export type { CertChainFlaw } from "./cert-chain.js";
export type { PairedDevice } from "./pairing.js";
export { PairingError } from "./pairing.js";
export type { WhatsAppPeer, WhatsAppPeerOptions } from "./peer.js";
export { startWhatsAppPeer } from "./peer.js";
export type { PeerStats } from "./state.js";
