export { CHECK_HOLDER, type CheckResult, checkSession } from "./check.js";
export {
  ApiCredentialsMissingError,
  LeaseNotHeldError,
  SessionLeasedError,
  SessionNotFoundError,
} from "./errors.js";
export { type ImportRequest, importSession } from "./import.js";
export { DuplicateKeyError } from "./key-claim.js";
export {
  acquireLease,
  assertUsableBy,
  DEFAULT_LEASE_TTL_MS,
  MAX_LEASE_TTL_MS,
  releaseLease,
} from "./lease.js";
export type {
  Lease,
  SessionPage,
  SessionRef,
  SessionSource,
  Status,
  TelegramContext,
  TelegramSession,
  TelegramSettings,
} from "./schema.js";
export { ApiHashSchema, ApiIdSchema, PhoneNumberSchema, SessionIDSchema, STATUSES } from "./schema.js";
export { type SessionSecret, secretFromImport, toClientString } from "./secret.js";
export {
  type CreateInput,
  create,
  createFromLogin,
  exportString,
  findUsableByPhone,
  fromID,
  type LoginInput,
  list,
  loadSecret,
  markChecked,
  markDead,
  remove,
  requireSession,
} from "./session.js";
export { type ApiCredentials, connectOptions, resolveCredentials, toApiError } from "./telegram-options.js";
