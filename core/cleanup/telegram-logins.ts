import { ConditionFailedError } from "../error.js";
import type { StoredRecord } from "../storage/types.js";
import { QR_LOGIN_SK_PREFIX } from "../telegram/qr-login-attempt.js";
import type { CleanupCounts, CleanupDeps } from "./types.js";

/**
 * Expired pre-login Telegram attempts (between `POST …/code` and `POST …/verify`). They are
 * `core/telegram/login-attempt.ts`'s records `t#<tenant>` / `tglogin#<digits>#<id>` (with
 * `expiresAt`, ms) and sealed blobs `t/<tenant>/tg/login/<digits>/<id>`; this reads the same
 * layout. DynamoDB's TTL may delete an expired record before this runs, which leaves its blob: a
 * login blob without a record is dropped too. (`saveAttempt` writes the blob just before the
 * record; an attempt caught in that gap of a few milliseconds answers `code_expired` and the user
 * asks for a new code, which is the worst case.) Pending QR logins (`qr-login-attempt.ts`) are
 * records only, `tgqr#<loginId>`: the expired ones are dropped the same way.
 */

/** Drops every expired attempt of `tenantId` and every login blob without a record; adds to `counts`. */
export async function dropExpiredLogins(
  deps: CleanupDeps,
  tenantId: string,
  now: number,
  counts: CleanupCounts,
): Promise<void> {
  await dropExpiredQrLogins(deps, tenantId, now, counts);
  const records = await allRecords(deps, tenantId, "tglogin#");
  const blobs = new Set((await deps.vault.listAll(`t/${tenantId}/tg/login/`)).map((b) => b.key));

  for (const record of records) {
    const blob = blobKey(tenantId, record.sk);
    const expiresAt = Number(record.attrs.expiresAt ?? 0);
    if (expiresAt > now) {
      if (blob) blobs.delete(blob); // live attempt: its blob is not an orphan
      continue;
    }
    try {
      await deps.storage.records.delete(record, { version: record.version });
    } catch (error) {
      if (error instanceof ConditionFailedError) continue; // replaced by a fresh attempt meanwhile
      throw error;
    }
    counts.loginsDropped++;
    if (blob && blobs.delete(blob)) {
      await deps.vault.delete(blob);
      counts.blobsDeleted++;
    }
  }
  // What is left has no record (deleted by TTL, or a crash between blob and record).
  for (const blob of blobs) {
    if (await deps.storage.records.get(recordKeyOf(tenantId, blob))) continue;
    await deps.vault.delete(blob);
    counts.loginsDropped++;
    counts.blobsDeleted++;
  }
}

// --- Internal helpers ---

async function dropExpiredQrLogins(
  deps: CleanupDeps,
  tenantId: string,
  now: number,
  counts: CleanupCounts,
): Promise<void> {
  for (const record of await allRecords(deps, tenantId, QR_LOGIN_SK_PREFIX)) {
    if (Number(record.attrs.expiresAt ?? 0) > now) continue;
    try {
      await deps.storage.records.delete(record, { version: record.version });
      counts.loginsDropped++;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error; // polled or finished meanwhile
    }
  }
}

async function allRecords(deps: CleanupDeps, tenantId: string, skPrefix: string): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.storage.records.query(`t#${tenantId}`, { skPrefix, limit: 100, cursor });
    records.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return records;
}

/** `tglogin#<digits>#<id>` -> `t/<tenant>/tg/login/<digits>/<id>`; `null` for a key of another shape. */
function blobKey(tenantId: string, sk: string): string | null {
  const match = /^tglogin#(\d+)#([0-9a-f]+)$/.exec(sk);
  return match ? `t/${tenantId}/tg/login/${match[1]}/${match[2]}` : null;
}

function recordKeyOf(tenantId: string, blob: string): { pk: string; sk: string } {
  const [digits, id] = blob.slice(`t/${tenantId}/tg/login/`.length).split("/");
  return { pk: `t#${tenantId}`, sk: `tglogin#${digits}#${id}` };
}
