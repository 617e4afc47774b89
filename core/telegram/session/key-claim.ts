import { createHash } from "node:crypto";
import { AlreadyExistsError, ConditionFailedError, SessionvaultError } from "../../error.js";
import type { RecordKey } from "../../storage/types.js";
import { sessionKey, toSession } from "./record.js";
import type { SessionRef, TelegramContext } from "./schema.js";

/**
 * One stored session per Telegram auth key, across every tenant. Leases keep one consumer per
 * session, but two sessions holding the same key (imported twice, or by two tenants) would let
 * two consumers connect it at once, and Telegram answers AUTH_KEY_DUPLICATED: the key is dead for
 * good. So the session that stores a key claims it: record `tgkey#<fingerprint>` / `owner`, where
 * the fingerprint is a SHA-256 of the key and reveals nothing of it. A claim whose session is
 * gone or dead is taken over; a dead key can be imported again, and is then found dead again.
 */

/** The key is already stored by a live session. Same tenant: `sessionId` names it. */
export class DuplicateKeyError extends SessionvaultError {
  constructor(sameTenantSessionId: string | null) {
    super(
      "telegram.session.duplicate_key",
      sameTenantSessionId
        ? `this auth key is already stored as session '${sameTenantSessionId}': use that one`
        : "this auth key is already stored by another account of this service; two clients on one key get it revoked",
      { status: 409, details: sameTenantSessionId ? { sessionId: sameTenantSessionId } : {} },
    );
    this.name = "DuplicateKeyError";
  }
}

/** Claims `authKey` for `ref`. Throws `DuplicateKeyError` while a live session holds it. */
export async function claimKey(ctx: TelegramContext, authKey: Uint8Array, ref: SessionRef): Promise<void> {
  const key = claimKeyOf(authKey);
  const attrs = { tenantId: ref.tenantId, sessionId: ref.sessionId };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await ctx.storage.records.create({ ...key, attrs });
      return;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
    const claim = await ctx.storage.records.get(key);
    if (!claim) continue; // released meanwhile: try again
    const holder = { tenantId: String(claim.attrs.tenantId), sessionId: String(claim.attrs.sessionId) };
    const held = await ctx.storage.records.get(sessionKey(holder));
    if (held && toSession(held).status !== "dead")
      throw new DuplicateKeyError(holder.tenantId === ref.tenantId ? holder.sessionId : null);
    try {
      await ctx.storage.records.update(claim, { set: attrs }, { version: claim.version });
      return;
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err; // someone else took it over: look again
    }
  }
  throw new DuplicateKeyError(null);
}

/** Drops `ref`'s claim on `authKey`, if it still holds it. */
export async function releaseKey(ctx: TelegramContext, authKey: Uint8Array, ref: SessionRef): Promise<void> {
  try {
    await ctx.storage.records.delete(claimKeyOf(authKey), {
      equals: { tenantId: ref.tenantId, sessionId: ref.sessionId },
    });
  } catch (err) {
    if (!(err instanceof ConditionFailedError)) throw err; // taken over by a newer session
  }
}

// --- Internal helpers ---

function claimKeyOf(authKey: Uint8Array): RecordKey {
  // Logins keep GramJS's minimal form (255 bytes now and then), imports the 256-byte one: pad
  // so both name the same key.
  const padded = Buffer.alloc(Math.max(256, authKey.length));
  padded.set(authKey, padded.length - authKey.length);
  const fingerprint = createHash("sha256")
    .update("sessionvault:telegram-auth-key:")
    .update(padded)
    .digest("hex");
  return { pk: `tgkey#${fingerprint}`, sk: "owner" };
}
