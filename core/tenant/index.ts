import { ulid } from "ulid";
import * as ApiKey from "../api-key/index.js";
import { NotFoundError } from "../error.js";
import type { Records, StoredRecord } from "../storage/types.js";
import { z } from "../zod.js";

/**
 * Tenants: verbs on one noun. A tenant is the unit of isolation: every record it owns lives
 * in partition `t#<tenantId>`, so a query by tenant never reaches another tenant's data.
 * The tenant record itself is `t#<tenantId>` / `tenant`, also indexed under `gsi1pk = "tenants"`
 * so an operator can list them.
 */

/** `ten_<ulid>`. */
export const TenantIDSchema = z.string().regex(/^ten_[0-9A-HJKMNP-TV-Z]{26}$/, "must be a tenant id (ten_…)");

export const CreateInputSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
});
export type CreateInput = z.infer<typeof CreateInputSchema>;

export interface Tenant {
  tenantId: string;
  name: string | null;
  createdAt: string;
}

export interface TenantContext {
  storage: { records: Records };
  clock: () => number;
}

/** Creates a tenant together with its first API key (no extra scopes); the key's secret is returned once. */
export async function create(
  ctx: TenantContext,
  input: CreateInput,
): Promise<{ tenant: Tenant; key: ApiKey.CreatedApiKey }> {
  const now = ctx.clock();
  const tenant: Tenant = {
    tenantId: `ten_${ulid(now)}`,
    name: input.name ?? null,
    createdAt: new Date(now).toISOString(),
  };
  await ctx.storage.records.create({
    ...recordKey(tenant.tenantId),
    attrs: { ...tenant },
    gsi1pk: "tenants",
    gsi1sk: tenant.tenantId,
  });
  const key = await ApiKey.create(ctx, { tenantId: tenant.tenantId });
  return { tenant, key };
}

/** The tenant, or `null` when there is none with this id. */
export async function fromID(ctx: Pick<TenantContext, "storage">, tenantId: string): Promise<Tenant | null> {
  const record = await ctx.storage.records.get(recordKey(tenantId));
  return record ? toTenant(record) : null;
}

/** Mints another key for an existing tenant. Throws `NotFoundError` (`tenant.not_found`) otherwise. */
export async function createKey(
  ctx: TenantContext,
  input: { tenantId: string; scopes?: ApiKey.Scope[] },
): Promise<ApiKey.CreatedApiKey> {
  await requireTenant(ctx, input.tenantId);
  return ApiKey.create(ctx, input);
}

/** Revokes one of a tenant's keys; it stops working at once. Throws `NotFoundError` for an unknown tenant or key. */
export async function revokeKey(
  ctx: TenantContext,
  input: { tenantId: string; keyId: string },
): Promise<void> {
  await requireTenant(ctx, input.tenantId);
  await ApiKey.revoke(ctx, input);
}

// --- Internal helpers ---

async function requireTenant(ctx: Pick<TenantContext, "storage">, tenantId: string): Promise<Tenant> {
  const tenant = await fromID(ctx, tenantId);
  if (!tenant) throw new NotFoundError("tenant", tenantId, "tenant.not_found");
  return tenant;
}

function recordKey(tenantId: string): { pk: string; sk: string } {
  return { pk: `t#${tenantId}`, sk: "tenant" };
}

function toTenant(record: StoredRecord): Tenant {
  const { tenantId, name, createdAt } = record.attrs;
  return {
    tenantId: String(tenantId),
    name: typeof name === "string" ? name : null,
    createdAt: String(createdAt),
  };
}
