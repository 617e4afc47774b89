import type { Storage } from "../storage/types.js";
import * as TelegramSession from "../telegram/session/index.js";
import type { Vault } from "../vault/vault.js";
import * as WhatsAppSession from "../whatsapp/session/index.js";

/**
 * A tenant's session numbers (seed 003: total/active/expired; seed 001 watches sizes). Reads
 * every session record of the tenant (paginated) and lists its blobs; writes nothing.
 */

export interface SessionStats {
  /** WhatsApp + Telegram sessions stored. */
  total: number;
  /** WhatsApp `connected` + Telegram `active`. */
  active: number;
  /** WhatsApp sessions past `expiresAt` that the cleanup job has not removed yet. */
  expired: number;
  byPlatform: { whatsapp: number; telegram: number };
  /** Per platform, every known status (zero included, so the shape is stable). */
  byStatus: {
    whatsapp: Record<WhatsAppSession.Status, number>;
    telegram: Record<TelegramSession.Status, number>;
  };
  /** Bytes of every stored blob of the tenant (sealed size: auth state, backups, secrets, logins). */
  bytesStored: number;
}

export interface StatsDeps {
  storage: Storage;
  vault: Vault;
}

/** The numbers for `tenantId` as of `now` (ms). */
export async function sessionStats(deps: StatsDeps, tenantId: string, now: number): Promise<SessionStats> {
  const wa = zeroes(WhatsAppSession.STATUSES);
  const tg = zeroes(TelegramSession.STATUSES);
  let expired = 0;
  let cursor: string | null = null;
  do {
    const page = await WhatsAppSession.list(deps, tenantId, { limit: 100, cursor });
    for (const s of page.sessions) {
      wa[s.status] = (wa[s.status] ?? 0) + 1;
      if (s.expiresAt && Date.parse(s.expiresAt) <= now) expired++;
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  do {
    const page = await TelegramSession.list({ ...deps, clock: () => now, config: {} }, tenantId, {
      limit: 100,
      cursor,
    });
    for (const s of page.sessions) tg[s.status] = (tg[s.status] ?? 0) + 1;
    cursor = page.nextCursor;
  } while (cursor !== null);
  const whatsapp = sum(wa);
  const telegram = sum(tg);
  const blobs = await deps.vault.listAll(`t/${tenantId}/`);
  return {
    total: whatsapp + telegram,
    active: wa.connected + tg.active,
    expired,
    byPlatform: { whatsapp, telegram },
    byStatus: { whatsapp: wa, telegram: tg },
    bytesStored: blobs.reduce((n, b) => n + b.size, 0),
  };
}

// --- Internal helpers ---

function zeroes<S extends string>(statuses: readonly S[]): Record<S, number> {
  return Object.fromEntries(statuses.map((s) => [s, 0])) as Record<S, number>;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
