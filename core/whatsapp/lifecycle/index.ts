export { connect, type ReuseRefusal, type ReuseResult, reuse } from "./connect.js";
export {
  NoPairingCodeError,
  NoQrError,
  ReuseNotFoundError,
  SessionBusyError,
  SessionConnectedError,
} from "./errors.js";
export { API_LEASE_TTL_MS, requireSession, type WhatsAppContext } from "./exclusive.js";
export { currentPairingCode, currentQr } from "./qr.js";
export { DEFAULT_LOGOUT_WAIT_MS, removeSession } from "./remove.js";
export {
  exportArchive,
  exportFiles,
  type ImportResult,
  importArchive,
  importFiles,
  isPaired,
  listBackups,
  restoreBackup,
  type Upload,
} from "./transfer.js";
