/**
 * The stored side of the auth state: backups, file-map import/export, verification, pruning and
 * wiping. Nothing here loads Baileys at run time, so the stateless handlers (the API and cleanup
 * Lambdas) import this and their bundles stay free of it. A live socket's state (`openAuthState`,
 * which needs Baileys to create fresh creds and decode sync keys) is in `index.ts`, for the connector.
 */
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
// Type only (erased from bundles): what every auth-state operation is given.
export type { AuthStateDeps } from "./open.js";
