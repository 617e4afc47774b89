import { ConditionFailedError } from "../error.js";
import type { CleanupCounts, CleanupDeps } from "./types.js";

/** Finished deliveries stay listed (`GET /v1/webhooks/{id}/deliveries`) this long, then are dropped. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

/**
 * Drops `tenantId`'s webhook deliveries that finished (delivered, or failed after the last retry)
 * more than `DELIVERY_RETENTION_MS` before `now`, so delivery records do not grow without end.
 * Pending ones are never touched. They are `core/webhook/delivery.ts`'s records
 * `t#<tenant>` / `whd#<webhookId>#<deliveryId>`; this reads the same layout.
 */
export async function pruneDeliveries(
  deps: CleanupDeps,
  tenantId: string,
  now: number,
  counts: CleanupCounts,
): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await deps.storage.records.query(`t#${tenantId}`, { skPrefix: "whd#", limit: 100, cursor });
    for (const record of page.items) {
      const { state, attempts, createdAt } = record.attrs as {
        state?: string;
        attempts?: { at?: string }[];
        createdAt?: string;
      };
      if (state !== "delivered" && state !== "failed") continue;
      const finishedAt = Date.parse(attempts?.at(-1)?.at ?? createdAt ?? "");
      if (!(finishedAt <= now - DELIVERY_RETENTION_MS)) continue;
      try {
        await deps.storage.records.delete(record, { version: record.version });
        counts.deliveriesPruned++;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error; // changed meanwhile: next run
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
}
