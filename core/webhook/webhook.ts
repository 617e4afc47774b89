import { randomBytes } from "node:crypto";
import { ulid } from "ulid";
import { NotFoundError } from "../error.js";
import type { Records, StoredRecord } from "../storage/types.js";
import type { Vault } from "../vault/vault.js";
import type { CreateWebhookInput, Webhook, WebhookEventType } from "./schema.js";

/**
 * Webhook subscriptions: verbs on one noun. The record (`t#<tenant>` / `whk#<id>`) holds the
 * URL and events; the signing secret lives only in the vault and is returned once, on create.
 */
export interface WebhookContext {
  storage: { records: Records };
  vault: Vault;
  clock: () => number;
}

export async function create(
  ctx: WebhookContext,
  tenantId: string,
  input: CreateWebhookInput,
): Promise<{ webhook: Webhook; secret: string }> {
  const now = ctx.clock();
  const webhook: Webhook = {
    webhookId: `whk_${ulid(now)}`,
    tenantId,
    url: input.url,
    events: [...new Set(input.events)],
    description: input.description ?? null,
    createdAt: new Date(now).toISOString(),
  };
  const secret = `whsec_${randomBytes(24).toString("base64url")}`;
  await ctx.vault.put(secretKey(tenantId, webhook.webhookId), Buffer.from(secret));
  await ctx.storage.records.create({ ...recordKey(tenantId, webhook.webhookId), attrs: { ...webhook } });
  return { webhook, secret };
}

export async function list(ctx: Pick<WebhookContext, "storage">, tenantId: string): Promise<Webhook[]> {
  const out: Webhook[] = [];
  let cursor: string | null = null;
  do {
    const page = await ctx.storage.records.query(`t#${tenantId}`, { skPrefix: "whk#", cursor, limit: 100 });
    out.push(...page.items.map(toWebhook));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** The tenant's webhooks subscribed to `event`. */
export async function subscribers(
  ctx: Pick<WebhookContext, "storage">,
  tenantId: string,
  event: WebhookEventType,
): Promise<Webhook[]> {
  return (await list(ctx, tenantId)).filter((w) => w.events.includes(event));
}

/** Throws `NotFoundError` (`webhook.not_found`) for an unknown id or another tenant's. */
export async function fromID(
  ctx: Pick<WebhookContext, "storage">,
  tenantId: string,
  webhookId: string,
): Promise<Webhook> {
  const record = await ctx.storage.records.get(recordKey(tenantId, webhookId));
  if (!record) throw new NotFoundError("webhook", webhookId, "webhook.not_found");
  return toWebhook(record);
}

export async function remove(ctx: WebhookContext, tenantId: string, webhookId: string): Promise<void> {
  await fromID(ctx, tenantId, webhookId);
  await ctx.storage.records.delete(recordKey(tenantId, webhookId));
  await ctx.vault.delete(secretKey(tenantId, webhookId));
}

export async function signingSecret(
  ctx: Pick<WebhookContext, "vault">,
  tenantId: string,
  webhookId: string,
): Promise<string> {
  return Buffer.from(await ctx.vault.get(secretKey(tenantId, webhookId))).toString("utf8");
}

// --- Internal helpers ---

function recordKey(tenantId: string, webhookId: string): { pk: string; sk: string } {
  return { pk: `t#${tenantId}`, sk: `whk#${webhookId}` };
}

function secretKey(tenantId: string, webhookId: string): string {
  return `t/${tenantId}/webhook/${webhookId}/secret`;
}

function toWebhook(record: StoredRecord): Webhook {
  const a = record.attrs;
  return {
    webhookId: a.webhookId as string,
    tenantId: a.tenantId as string,
    url: a.url as string,
    events: a.events as WebhookEventType[],
    description: (a.description as string | null) ?? null,
    createdAt: a.createdAt as string,
  };
}
