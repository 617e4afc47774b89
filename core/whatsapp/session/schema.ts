import { z } from "../../zod.js";

/**
 * The WhatsApp session record's shape: what the API writes (desired state, identity) and what
 * the connector writes back (observed state). Schemas are reused by the HTTP routes.
 */

/** Observed connection status, written by the owning connector. */
export const STATUSES = [
  "pending",
  "qr",
  "connecting",
  "connected",
  "disconnected",
  "logged_out",
  "conflict",
  "failed",
  "degraded",
] as const;
export type Status = (typeof STATUSES)[number];
export const StatusSchema = z.enum(STATUSES);

/** What the API asks for; the connector converges to it. */
export type Desired = "connected" | "disconnected";

/** Caller-chosen (`[A-Za-z0-9_-]{1,64}`) or generated (`wa_<ulid>`) session id. */
export const SessionIDSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'");

/** International phone number, digits only after an optional '+': stored without the '+'. */
export const PhoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[1-9][0-9]{5,14}$/, "must be an international phone number (6-15 digits)")
  .transform((value) => value.replace(/^\+/, ""));

export const CreateInputSchema = z.object({
  sessionId: SessionIDSchema.optional(),
  phoneNumber: PhoneNumberSchema.optional(),
});
export type CreateInput = z.input<typeof CreateInputSchema>;

/** Names one session of one tenant (the same shape the auth state uses). */
export interface SessionRef {
  tenantId: string;
  sessionId: string;
}

/** The WhatsApp account a session is linked to, once paired. */
export interface Account {
  jid: string;
  name: string | null;
  phone: string;
}

export interface SessionError {
  code: string;
  reason: string;
}

/** A session as stored. Timestamps are ISO strings except the lease expiry (ms since the epoch). */
export interface Session extends SessionRef {
  phoneNumber?: string;
  status: Status;
  desired: Desired;
  /** The QR string, sealed (`openLoginSecret`): a login secret, never stored or logged in plaintext. */
  qr?: string;
  qrExpiresAt?: string;
  /** The pairing code, sealed the same way. */
  pairingCode?: string;
  account?: Account;
  paired: boolean;
  connectedAt?: string;
  lastSeenAt?: string;
  lastError?: SessionError;
  createdAt: string;
  updatedAt: string;
  /** Set by `requestDisconnect(…, {logout: true})`: the owner unlinks the device and wipes its keys. */
  logoutRequested?: boolean;
  /** Set while never paired: the cleanup job may remove the session after it. */
  expiresAt?: string;
  /** The connector id holding the lease, or `null` when free. */
  leaseOwner: string | null;
  /** Lease expiry in ms; 0 when free. */
  leaseExpiresAt: number;
  /** Grows by one on every takeover; the owner writes under it. */
  epoch: number;
  /** Record version (optimistic concurrency). */
  version: number;
}

/**
 * Observed state the lease owner publishes. `null` clears a field; absent leaves it as is.
 * Times are ms since the epoch. `desired: "disconnected"` ends a terminal state (logged out,
 * conflict, failed) so that no connector picks the session up again until asked.
 */
export interface ObservedPatch {
  status?: Status;
  qr?: string | null;
  qrExpiresAt?: number | null;
  pairingCode?: string | null;
  account?: Account | null;
  /** `true` also clears `expiresAt`: a paired session does not expire on its own. */
  paired?: boolean;
  connectedAt?: number | null;
  lastSeenAt?: number;
  lastError?: SessionError | null;
  desired?: "disconnected";
}

/** The lease a connector holds: who, under which epoch. */
export interface LeaseRef extends SessionRef {
  owner: string;
  epoch: number;
}
