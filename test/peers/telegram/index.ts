export { authKeyIdOf } from "./crypto-utils.js";
export { decryptClientMessage, encryptServerMessage } from "./mtproto-crypto.js";
export { startTelegramPeer, type TelegramPeer, type TelegramPeerOptions } from "./peer.js";
export { rsaFingerprint } from "./rsa-key.js";
export type { AccountInput, PeerStats } from "./state.js";
