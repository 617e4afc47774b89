export { type BackupInfo, listBackups, restoreBackup } from "./backups.js";
export type { SessionRef } from "./blob-keys.js";
export {
  AuthStateFencedError,
  AuthStateInputError,
  AuthStateInvalidError,
  AuthStateUnusableError,
} from "./errors.js";
export { type AuthFileMap, exportAuthFiles, importAuthFiles, validateAuthFiles } from "./file-map.js";
export { pruneAuthState, type VerifyResult, verifyAuthState, wipeAuthState } from "./maintenance.js";
export { type AuthStateDeps, type AuthStateOptions, type DurableAuthState, openAuthState } from "./open.js";
export { useSessionvaultAuthState } from "./use-sessionvault-auth-state.js";
