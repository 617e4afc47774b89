export { LeaseLostError, SessionExistsError, SessionNotFoundError } from "./errors.js";
export { acquireLease, listClaimable, releaseLease, renewLease } from "./lease.js";
export { type LoginSecret, openLoginSecret, sealLoginSecrets } from "./login-secrets.js";
export type {
  Account,
  CreateInput,
  Desired,
  LeaseRef,
  ObservedPatch,
  Session,
  SessionError,
  SessionRef,
  Status,
} from "./schema.js";
export { CreateInputSchema, PhoneNumberSchema, SessionIDSchema, STATUSES, StatusSchema } from "./schema.js";
export {
  create,
  DEFAULT_UNPAIRED_TTL_MS,
  fromID,
  list,
  publish,
  remove,
  requestConnect,
  requestDisconnect,
  requestLogout,
  type SessionContext,
} from "./session.js";
