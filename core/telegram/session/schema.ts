import type { Storage } from "../../storage/types.js";
import type { Vault } from "../../vault/vault.js";
import { z } from "../../zod.js";
import type { SessionFormat } from "../codecs/index.js";

/**
 * Shapes shared by the Telegram session verbs and the routes that call them. Input schemas are
 * validated once here, at core's edge, and reused by the routes (`createRoute` request schemas).
 */

/** `tg_<ulid>`. */
export const SessionIDSchema = z
  .string()
  .regex(/^tg_[0-9A-HJKMNP-TV-Z]{26}$/, "must be a Telegram session id (tg_…)");

/** E.164 in any common spelling ("+44 7700 900123"); only its 5–15 digits are kept. */
export const PhoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ().-]{3,28}$/, "must be a phone number in international format")
  .refine((v) => {
    const digits = v.replace(/\D/g, "").length;
    return digits >= 5 && digits <= 15;
  }, "must have 5 to 15 digits (E.164)");

/** Telegram's api_id (my.telegram.org): an int32 > 0. Numeric strings are accepted (multipart, descriptors). */
export const ApiIdSchema = z.coerce.number().int().min(1).max(2_147_483_647);
/** Telegram's api_hash: 32 hex characters. */
export const ApiHashSchema = z.string().regex(/^[0-9a-fA-F]{32}$/, "must be 32 hex characters");

export const STATUSES = ["active", "dead"] as const;
export type Status = (typeof STATUSES)[number];

/** Where a stored session came from: our own code login, or an imported format. */
export type SessionSource = "login" | SessionFormat;

/** One consumer's checkout of a session. `expiresAt` is ms by the injected clock; expired = free. */
export interface Lease {
  holder: string;
  leaseId: string;
  expiresAt: number;
}

/** The metadata record of a stored session. Never holds key material (that is `SessionSecret`). */
export interface TelegramSession {
  sessionId: string;
  tenantId: string;
  /** Telegram user id (decimal text), when known. */
  accountId: string | null;
  /** `+<digits>`, when known. */
  phoneNumber: string | null;
  dcId: number;
  format: SessionSource;
  apiId: number;
  status: Status;
  deadReason: string | null;
  createdAt: string;
  lastCheckedAt: string | null;
  lease: Lease | null;
  version: number;
}

export interface SessionRef {
  tenantId: string;
  sessionId: string;
}

/**
 * Telegram settings, resolved once by the entry file (`Config.telegram`). `apiId`/`apiHash` are the
 * defaults when a request names none; `dcOverride` (`host:port`) and `trustRsaKey` point every
 * connection at a local peer (tests only; the RSA key is refused without the override).
 */
export interface TelegramSettings {
  apiId?: number;
  apiHash?: string;
  dcOverride?: string;
  trustRsaKey?: string;
  /** How long a sent code can be verified. Default 10 minutes. */
  loginTtlMs?: number;
  /** Connection attempts per connect(). Default 3. */
  connectionRetries?: number;
  /** Bound on connect() and on each request. Default 20 s. */
  timeoutMs?: number;
}

/** What the Telegram verbs need; the API's `AppDeps` satisfies it. */
export interface TelegramContext {
  storage: Storage;
  vault: Vault;
  clock: () => number;
  config: { telegram?: TelegramSettings };
}

/** A page of sessions in id (= creation) order. */
export interface SessionPage {
  sessions: TelegramSession[];
  nextCursor: string | null;
}
