import { createHash, randomBytes } from "node:crypto";
import { ulid } from "ulid";
import { NotFoundError } from "../error.js";
import type { Records, StoredRecord } from "../storage/types.js";
import { z } from "../zod.js";

/**
 * API keys: verbs on one noun. A key is `sv_` + 32 random bytes in base64url, shown once at
 * creation and stored only as its SHA-256 hash. Two records per key:
 * - lookup  `apikey#<hash>` / `apikey`  -> tenant, key id, scopes (what `fromSecret` reads);
 * - listing `t#<tenantId>` / `key#<keyId>` -> the hash, so a key can be found and revoked by id.
 * Revocation deletes the lookup record first, so a revoked key fails `fromSecret` at once.
 */

/** Extra powers a key may carry beyond its tenant's ordinary routes. */
export const ScopeSchema = z.enum(["export"]);
export type Scope = z.infer<typeof ScopeSchema>;
export const ScopesSchema = z.array(ScopeSchema).max(8);

/** `key_<ulid>`. */
export const KeyIDSchema = z.string().regex(/^key_[0-9A-HJKMNP-TV-Z]{26}$/, "must be a key id (key_…)");

export interface ApiKey {
  keyId: string;
  tenantId: string;
  scopes: Scope[];
}

/** Returned once by `create`; `apiKey` is the only copy of the secret anywhere. */
export interface CreatedApiKey extends ApiKey {
  apiKey: string;
}

export interface ApiKeyContext {
  storage: { records: Records };
  clock: () => number;
}

/**
 * Mints a key for `tenantId` (the caller checks the tenant exists) and stores its hash.
 * The listing record is written first: if the second write fails, no usable key exists.
 */
export async function create(
  ctx: ApiKeyContext,
  input: { tenantId: string; scopes?: Scope[] },
): Promise<CreatedApiKey> {
  const now = ctx.clock();
  const keyId = `key_${ulid(now)}`;
  const apiKey = `sv_${randomBytes(32).toString("base64url")}`;
  const hash = hashSecret(apiKey);
  const scopes = [...new Set(input.scopes ?? [])];
  const createdAt = new Date(now).toISOString();
  await ctx.storage.records.create({
    ...listingKey(input.tenantId, keyId),
    attrs: { keyId, tenantId: input.tenantId, hash, scopes, createdAt, revokedAt: null },
  });
  await ctx.storage.records.create({
    ...lookupKey(hash),
    attrs: { keyId, tenantId: input.tenantId, scopes, createdAt },
  });
  return { keyId, tenantId: input.tenantId, scopes, apiKey };
}

/** The live key whose secret is `secret`, or `null` for an unknown, malformed or revoked one. */
export async function fromSecret(
  ctx: Pick<ApiKeyContext, "storage">,
  secret: string,
): Promise<ApiKey | null> {
  if (!SECRET_FORMAT.test(secret)) return null;
  const record = await ctx.storage.records.get(lookupKey(hashSecret(secret)));
  return record ? toApiKey(record) : null;
}

/**
 * Revokes a tenant's key. Idempotent for a key that exists (revoked or not);
 * throws `NotFoundError` (`api_key.not_found`) if the tenant never had it.
 */
export async function revoke(ctx: ApiKeyContext, input: { tenantId: string; keyId: string }): Promise<void> {
  const key = listingKey(input.tenantId, input.keyId);
  const listing = await ctx.storage.records.get(key);
  if (!listing) throw new NotFoundError("api key", input.keyId, "api_key.not_found");
  await ctx.storage.records.delete(lookupKey(String(listing.attrs.hash)));
  if (listing.attrs.revokedAt === null || listing.attrs.revokedAt === undefined) {
    await ctx.storage.records.update(key, { set: { revokedAt: new Date(ctx.clock()).toISOString() } });
  }
}

/** SHA-256 hex of a secret. Comparing digests of equal length keeps comparisons length-independent. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

// --- Internal helpers ---

const SECRET_FORMAT = /^sv_[A-Za-z0-9_-]{43}$/;

function lookupKey(hash: string): { pk: string; sk: string } {
  return { pk: `apikey#${hash}`, sk: "apikey" };
}

function listingKey(tenantId: string, keyId: string): { pk: string; sk: string } {
  return { pk: `t#${tenantId}`, sk: `key#${keyId}` };
}

function toApiKey(record: StoredRecord): ApiKey {
  const scopes = ScopesSchema.safeParse(record.attrs.scopes);
  return {
    keyId: String(record.attrs.keyId),
    tenantId: String(record.attrs.tenantId),
    // A scope this version does not know is dropped rather than granted.
    scopes: scopes.success ? scopes.data : [],
  };
}
