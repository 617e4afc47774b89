import { ulid } from "ulid";
import { ConditionFailedError } from "../error.js";
import type { StoredRecord } from "../storage/types.js";
import type { Delivery, DeliveryAttempt, WebhookEvent } from "./schema.js";
import { signPayload } from "./signature.js";
import { signingSecret, subscribers, type WebhookContext } from "./webhook.js";

/**
 * Durable deliveries. Each event becomes one record per subscribed webhook
 * (`t#<tenant>` / `whd#<webhookId>#<deliveryId>`), indexed under `whd#due` by the time of its
 * next attempt, so any long-running process (the connector, `npm start`) can pick up retries
 * after a restart, and a Lambda that emitted the event need not wait for them.
 */
export interface DeliveryOptions {
  fetch?: typeof fetch;
  /** Delays before the 2nd, 3rd, … attempt; the attempt count is this length + 1. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000];
const DUE_INDEX = "whd#due";

/** Records one delivery per subscriber; returns them (none when nobody subscribed). */
export async function enqueue(ctx: WebhookContext, event: WebhookEvent): Promise<Delivery[]> {
  const hooks = await subscribers(ctx, event.tenantId, event.type);
  if (hooks.length === 0) return [];
  const now = ctx.clock();
  const eventId = `evt_${ulid(now)}`;
  const body = JSON.stringify({
    id: eventId,
    type: event.type,
    createdAt: new Date(now).toISOString(),
    tenantId: event.tenantId,
    data: event.data,
  });
  const out: Delivery[] = [];
  for (const hook of hooks) {
    const delivery: Delivery = {
      deliveryId: `whd_${ulid(now)}`,
      webhookId: hook.webhookId,
      eventId,
      event: event.type,
      state: "pending",
      attempts: [],
      nextAttemptAt: new Date(now).toISOString(),
      createdAt: new Date(now).toISOString(),
    };
    await ctx.storage.records.create({
      pk: `t#${event.tenantId}`,
      sk: `whd#${hook.webhookId}#${delivery.deliveryId}`,
      attrs: { ...delivery, attempts: [], tenantId: event.tenantId, url: hook.url, body },
      gsi1pk: DUE_INDEX,
      gsi1sk: pad(now),
    });
    out.push(delivery);
  }
  return out;
}

/** Attempts every delivery whose time has come. Returns how many were attempted. */
export async function attemptDue(ctx: WebhookContext, options: DeliveryOptions = {}): Promise<number> {
  const page = await ctx.storage.records.queryIndex(DUE_INDEX, { skAtMost: pad(ctx.clock()), limit: 100 });
  let attempted = 0;
  for (const record of page.items) if (await attemptOne(ctx, record, options)) attempted++;
  return attempted;
}

/**
 * A page of a webhook's deliveries, newest first (the cleanup job keeps 30 days of them). Delivery
 * ids are ULIDs, so a descending sort-key query is newest first and reads only the page asked for.
 */
export async function listDeliveries(
  ctx: Pick<WebhookContext, "storage">,
  tenantId: string,
  webhookId: string,
  options: { cursor?: string | null; limit?: number } = {},
): Promise<{ deliveries: Delivery[]; nextCursor: string | null }> {
  const page = await ctx.storage.records.query(`t#${tenantId}`, {
    skPrefix: `whd#${webhookId}#`,
    descending: true,
    limit: options.limit ?? 1000,
    cursor: options.cursor ?? null,
  });
  return { deliveries: page.items.map(toDelivery), nextCursor: page.nextCursor };
}

// --- Internal helpers ---

async function attemptOne(
  ctx: WebhookContext,
  record: StoredRecord,
  options: DeliveryOptions,
): Promise<boolean> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Claim it first, so two processes never send the same attempt.
  let claimed: StoredRecord;
  try {
    claimed = await ctx.storage.records.update(
      record,
      { gsi1: { pk: DUE_INDEX, sk: pad(ctx.clock() + timeoutMs * 3) } },
      { version: record.version },
    );
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
  const a = claimed.attrs;
  const attempt = await send(ctx, a, options.fetch ?? fetch, timeoutMs);
  const attempts = [...(a.attempts as unknown as DeliveryAttempt[]), attempt];
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const ok = attempt.status !== null && attempt.status >= 200 && attempt.status < 300;
  const retryIn = ok ? undefined : delays[attempts.length - 1];
  const next = retryIn === undefined ? null : ctx.clock() + retryIn;
  await ctx.storage.records.update(claimed, {
    set: {
      attempts: attempts as never,
      state: ok ? "delivered" : next === null ? "failed" : "pending",
      nextAttemptAt: next === null ? null : new Date(next).toISOString(),
    },
    gsi1: next === null ? null : { pk: DUE_INDEX, sk: pad(next) },
  });
  return true;
}

async function send(
  ctx: WebhookContext,
  a: StoredRecord["attrs"],
  doFetch: typeof fetch,
  timeoutMs: number,
): Promise<DeliveryAttempt> {
  const started = ctx.clock();
  const secret = await signingSecret(ctx, a.tenantId as string, a.webhookId as string);
  const body = a.body as string;
  try {
    const res = await doFetch(a.url as string, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Sessionvault-Webhooks/1",
        "sessionvault-signature": signPayload(secret, Math.floor(started / 1000), body),
        "sessionvault-event": a.event as string,
        "sessionvault-event-id": a.eventId as string,
        "sessionvault-delivery-id": a.deliveryId as string,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return {
      at: new Date(started).toISOString(),
      status: res.status,
      error: null,
      durationMs: ctx.clock() - started,
    };
  } catch (error) {
    const message = (error as Error).name === "TimeoutError" ? "timeout" : "connection failed";
    return {
      at: new Date(started).toISOString(),
      status: null,
      error: message,
      durationMs: ctx.clock() - started,
    };
  }
}

function toDelivery(record: StoredRecord): Delivery {
  const a = record.attrs;
  return {
    deliveryId: a.deliveryId as string,
    webhookId: a.webhookId as string,
    eventId: a.eventId as string,
    event: a.event as Delivery["event"],
    state: a.state as Delivery["state"],
    attempts: a.attempts as unknown as DeliveryAttempt[],
    nextAttemptAt: (a.nextAttemptAt as string | null) ?? null,
    createdAt: a.createdAt as string,
  };
}

function pad(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, "0");
}
