import { dropExpiredLogins } from "./telegram-logins.js";
import { type CleanupCounts, type CleanupDeps, type CleanupOptions, emptyCounts } from "./types.js";
import { pruneDeliveries } from "./webhook-deliveries.js";
import { cleanWhatsAppTenant } from "./whatsapp.js";

/**
 * The cleanup job (DESIGN §7): one pass over every tenant (or one), run by the EventBridge
 * schedule (`functions/cleanup`) and by `POST /v1/sessions/cleanup`:
 * - expires never-paired and abandoned WhatsApp sessions past `expiresAt` with their blobs,
 * - drops expired pre-login Telegram attempts (records and sealed blobs),
 * - prunes auth-state generations beyond the kept ones,
 * - clears dead WhatsApp leases,
 * - verifies every stored WhatsApp auth state (integrity scrub; `verifySession`),
 * - drops webhook deliveries that finished more than 30 days ago.
 * Key material of a session under a live lease is never deleted. Telegram sessions carry no
 * expiry and their expired leases are already free (the holder may still release its own), so
 * they are left alone. A failing session or tenant is logged, counted in `errors` and skipped.
 */
export async function runCleanup(deps: CleanupDeps, options: CleanupOptions): Promise<CleanupCounts> {
  const counts = emptyCounts();
  for await (const tenantId of tenants(deps, options.tenantId)) {
    try {
      await cleanWhatsAppTenant(deps, tenantId, options, counts);
      await dropExpiredLogins(deps, tenantId, options.now, counts);
      await pruneDeliveries(deps, tenantId, options.now, counts);
    } catch (error) {
      counts.errors++;
      deps.logger?.warn({ tenantId, code: (error as { code?: string }).code }, "cleanup: tenant skipped");
    }
  }
  return counts;
}

// --- Internal helpers ---

/** Every tenant id from the `tenants` index (`core/tenant`), page by page; or just `only`. */
async function* tenants(deps: CleanupDeps, only?: string): AsyncGenerator<string> {
  if (only !== undefined) {
    yield only;
    return;
  }
  let cursor: string | null = null;
  do {
    const page = await deps.storage.records.queryIndex("tenants", { limit: 100, cursor });
    for (const record of page.items) yield String(record.attrs.tenantId);
    cursor = page.nextCursor;
  } while (cursor !== null);
}
