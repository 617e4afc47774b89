import { randomBytes, randomInt } from "node:crypto";
import { authKeyIdOf, minimalKey } from "./crypto-utils.js";
import type { DropReason } from "./mtproto-crypto.js";
import { createPasswordRecord, type PasswordRecord, type SrpChallenge } from "./srp.js";

/** A Telegram account the peer can log in to. */
export interface PeerAccount {
  phone: string;
  userId: bigint;
  accessHash: bigint;
  firstName: string;
  username: string | undefined;
  password: PasswordRecord | undefined;
  /** Seconds of FLOOD_WAIT for the next sendCode/signIn of this phone, consumed once. */
  floodNext: number | undefined;
}

/** The last code sent to a phone. It is bound to the auth key that asked for it, as on Telegram. */
export interface LoginCode {
  code: string;
  phoneCodeHash: string;
  authKeyId: string;
  expiresAt: number;
}

/**
 * A QR login token (`auth.exportLoginToken`), bound to the auth key that asked for it. Another device
 * of the account accepts it (the control API's `POST /qr/accept`); the key's next export then logs in,
 * or, with `dcId` other than 2, is told to import the token on that DC.
 */
export interface LoginToken {
  token: Buffer;
  authKeyId: string;
  expiresAt: number;
  acceptedBy: string | undefined;
  dcId: number | undefined;
}

/** An auth key the peer accepts, and what it is currently allowed to do. */
export interface KeyRecord {
  key: Buffer;
  salt: bigint;
  /** The account this key is logged in to; unset = "not authorized" (401 AUTH_KEY_UNREGISTERED). */
  phone: string | undefined;
  /** Code accepted, waiting for the 2FA password. */
  pendingPhone: string | undefined;
  /** The latest SRP round from account.getPassword. */
  srp: SrpChallenge | undefined;
}

/** Counters exposed by `GET /stats`. */
export interface PeerStats {
  sendCode: Record<string, number>;
  liveConnections: Record<string, number>;
  liveConnectionsByPhone: Record<string, number>;
  dropped: Record<DropReason, number>;
  unhandled: Record<string, number>;
}

/** Account fields a test may set; `password: null` removes 2FA, omitted leaves it as is. */
export interface AccountInput {
  password?: string | null;
  hint?: string;
  firstName?: string;
  username?: string;
}

/** Digits only: "+44 7700 900123" and "447700900123" are the same account. */
export function normalizePhone(phone: string): string {
  return phone.replace(/\D/g, "");
}

/**
 * Everything the peer knows: accounts, auth keys, codes and counters. Shared by the MTProto handlers
 * and the control API; all mutations go through these methods.
 */
export class PeerState {
  private readonly accounts = new Map<string, PeerAccount>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly codes = new Map<string, LoginCode>();
  /** By token (hex). */
  private readonly loginTokens = new Map<string, LoginToken>();
  private readonly sendCodeCounts = new Map<string, number>();
  private readonly live = new Map<string, number>();
  private readonly unhandled = new Map<string, number>();
  private readonly dropped: Record<DropReason, number> = { unknown_key: 0, bad_msg_key: 0, malformed: 0 };
  private nextUserId = 1_000_001n;

  constructor(readonly options: { codeTtlMs: number; autoCreateAccounts: boolean; qrTokenTtlMs: number }) {}

  /** Creates or updates an account. Deriving a 2FA verifier takes ~100 ms (PBKDF2). */
  async upsertAccount(phone: string, input: AccountInput = {}): Promise<PeerAccount> {
    const key = normalizePhone(phone);
    const account = this.accounts.get(key) ?? this.newAccount(key);
    if (input.firstName !== undefined) account.firstName = input.firstName;
    if (input.username !== undefined) account.username = input.username;
    if (input.password === null) account.password = undefined;
    else if (input.password !== undefined)
      account.password = await createPasswordRecord(input.password, input.hint);
    else if (input.hint !== undefined && account.password) account.password.hint = input.hint;
    this.accounts.set(key, account);
    return account;
  }

  /** The account for `phone`, creating a plain one when `autoCreateAccounts` is on. */
  accountFor(phone: string, create = this.options.autoCreateAccounts): PeerAccount | undefined {
    const key = normalizePhone(phone);
    const found = this.accounts.get(key);
    if (found || !create) return found;
    const account = this.newAccount(key);
    this.accounts.set(key, account);
    return account;
  }

  /** Accepts `key` from now on (stored minimal big-endian), optionally already logged in to `phone`. */
  addKey(key: Buffer, phone?: string): string {
    const bytes = Buffer.from(minimalKey(key));
    const id = authKeyIdOf(bytes);
    const existing = this.keys.get(id);
    const record: KeyRecord = existing ?? {
      key: bytes,
      salt: randomBytes(8).readBigInt64LE(),
      phone: undefined,
      pendingPhone: undefined,
      srp: undefined,
    };
    if (phone !== undefined) {
      const account = this.accountFor(phone, true);
      record.phone = account?.phone;
    }
    this.keys.set(id, record);
    return id;
  }

  key(authKeyId: string): KeyRecord | undefined {
    return this.keys.get(authKeyId);
  }

  /** Logs every key of `phone` out: they stay known (help.getConfig works) but answer 401 AUTH_KEY_UNREGISTERED. */
  revoke(phone: string): number {
    const target = normalizePhone(phone);
    let count = 0;
    for (const record of this.keys.values()) {
      if (record.phone === target || record.pendingPhone === target) {
        record.phone = record.pendingPhone = undefined;
        record.srp = undefined;
        count++;
      }
    }
    return count;
  }

  setFlood(phone: string, seconds: number): void {
    const account = this.accountFor(phone, true);
    if (account) account.floodNext = seconds;
  }

  /** The pending FLOOD_WAIT for `phone`, consumed by this call. */
  takeFlood(phone: string): number | undefined {
    const account = this.accounts.get(normalizePhone(phone));
    const seconds = account?.floodNext;
    if (account) account.floodNext = undefined;
    return seconds;
  }

  /** A new random 5-digit code for `phone`, replacing the previous one. */
  issueCode(phone: string, authKeyId: string): LoginCode {
    const code: LoginCode = {
      code: String(randomInt(10_000, 100_000)),
      phoneCodeHash: randomBytes(9).toString("hex"),
      authKeyId,
      expiresAt: Date.now() + this.options.codeTtlMs,
    };
    this.codes.set(normalizePhone(phone), code);
    return code;
  }

  code(phone: string): LoginCode | undefined {
    return this.codes.get(normalizePhone(phone));
  }

  /** Makes the current code for `phone` expired; false when there is none. */
  expireCode(phone: string): boolean {
    const code = this.codes.get(normalizePhone(phone));
    if (code) code.expiresAt = 0;
    return code !== undefined;
  }

  consumeCode(phone: string): void {
    this.codes.delete(normalizePhone(phone));
  }

  /** The key's live QR token, or a new one (30 s by default, as on Telegram) once it expired. */
  loginTokenFor(authKeyId: string): LoginToken {
    for (const token of this.loginTokens.values()) {
      if (token.authKeyId === authKeyId && (token.acceptedBy || token.expiresAt > Date.now())) return token;
    }
    const token: LoginToken = {
      token: randomBytes(32),
      authKeyId,
      expiresAt: Date.now() + this.options.qrTokenTtlMs,
      acceptedBy: undefined,
      dcId: undefined,
    };
    this.loginTokens.set(token.token.toString("hex"), token);
    return token;
  }

  loginToken(token: Buffer): LoginToken | undefined {
    return this.loginTokens.get(token.toString("hex"));
  }

  /** Another device of `phone` scans the QR: the token (base64url, as in `tg://login?token=`) is accepted. */
  acceptLoginToken(tokenBase64Url: string, phone: string, dcId?: number): void {
    const token = this.loginTokens.get(Buffer.from(tokenBase64Url, "base64url").toString("hex"));
    if (!token || token.expiresAt <= Date.now()) throw new Error("unknown or expired login token");
    if (token.acceptedBy) throw new Error("login token already accepted");
    const account = this.accountFor(phone, true);
    if (!account) throw new Error("no such account");
    token.acceptedBy = account.phone;
    token.dcId = dcId;
  }

  /** Makes every QR token not yet accepted run out now (as 30 s later); returns how many. */
  expireLoginTokens(): number {
    let count = 0;
    for (const token of this.loginTokens.values()) {
      if (!token.acceptedBy && token.expiresAt > Date.now()) {
        token.expiresAt = Date.now() - 1;
        count++;
      }
    }
    return count;
  }

  consumeLoginToken(token: LoginToken): void {
    this.loginTokens.delete(token.token.toString("hex"));
  }

  countSendCode(phone: string): void {
    const key = normalizePhone(phone);
    this.sendCodeCounts.set(key, (this.sendCodeCounts.get(key) ?? 0) + 1);
  }

  connectionOpened(authKeyId: string): void {
    this.live.set(authKeyId, (this.live.get(authKeyId) ?? 0) + 1);
  }

  connectionClosed(authKeyId: string): void {
    const n = (this.live.get(authKeyId) ?? 0) - 1;
    if (n > 0) this.live.set(authKeyId, n);
    else this.live.delete(authKeyId);
  }

  noteDropped(reason: DropReason): void {
    this.dropped[reason]++;
  }

  noteUnhandled(className: string): void {
    this.unhandled.set(className, (this.unhandled.get(className) ?? 0) + 1);
  }

  stats(): PeerStats {
    const byPhone: Record<string, number> = {};
    for (const [id, n] of this.live) {
      const phone = this.keys.get(id)?.phone;
      if (phone) byPhone[phone] = (byPhone[phone] ?? 0) + n;
    }
    return {
      sendCode: Object.fromEntries(this.sendCodeCounts),
      liveConnections: Object.fromEntries(this.live),
      liveConnectionsByPhone: byPhone,
      dropped: { ...this.dropped },
      unhandled: Object.fromEntries(this.unhandled),
    };
  }

  private newAccount(phone: string): PeerAccount {
    const userId = this.nextUserId++;
    return {
      phone,
      userId,
      accessHash: randomBytes(8).readBigInt64LE(),
      firstName: `User ${phone.slice(-4)}`,
      username: undefined,
      password: undefined,
      floodNext: undefined,
    };
  }
}
