import { randomBytes } from "node:crypto";
import type { Storage } from "../../core/storage/types.js";
import * as TelegramSession from "../../core/telegram/session/index.js";
import * as AuthState from "../../core/whatsapp/auth-state/index.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { type AppHarness, createAppHarness } from "../helpers/app-harness.js";

/** Shared set-up of the cleanup, scrub and stats suites: the app over real storage with a hand-moved clock. */

export const T0 = Date.parse("2026-11-20T10:00:00.000Z");
export const HOUR = 3_600_000;

export interface Fixture extends AppHarness {
  /** Moves the clock (ms since the epoch). */
  setNow(ms: number): void;
  now(): number;
  auth: { records: Storage["records"]; vault: AppHarness["deps"]["vault"] };
}

export function createFixture(storage: Storage): Fixture {
  let now = T0;
  const harness = createAppHarness(storage, { clock: () => now });
  return {
    ...harness,
    setNow: (ms) => {
      now = ms;
    },
    now: () => now,
    auth: { records: storage.records, vault: harness.deps.vault },
  };
}

/**
 * A WhatsApp session as the connector leaves it: created now, optionally leased for `leaseMs`
 * and published paired + connected, with auth state of `generations` snapshots.
 */
export async function whatsappSession(
  f: Fixture,
  tenantId: string,
  sessionId: string,
  options: { leaseMs?: number; paired?: boolean; generations?: number } = {},
): Promise<Session.SessionRef> {
  const ref = { tenantId, sessionId };
  await Session.create(f.deps, ref);
  let epoch: number | undefined;
  if (options.leaseMs !== undefined) {
    epoch = (await Session.acquireLease(f.deps, ref, `conn-${sessionId}`, options.leaseMs))!;
    if (options.paired)
      await Session.publish(
        f.deps,
        { ...ref, owner: `conn-${sessionId}`, epoch },
        { paired: true, status: "connected" },
      );
  }
  const state = await AuthState.openAuthState(f.auth, ref, {
    ...(epoch ? { epoch } : {}),
    compactEveryChanges: 1,
    keepSnapshots: 3,
  });
  for (let g = 1; g < (options.generations ?? 1); g++) {
    await state.state.keys.set({ session: { [`peer.${g}`]: Buffer.from(`ratchet-${g}`) } });
    await state.flush();
  }
  await state.close();
  return ref;
}

/** A stored Telegram session with a random (fake) auth key. */
export async function telegramSession(
  f: Fixture,
  tenantId: string,
): Promise<TelegramSession.TelegramSession> {
  return TelegramSession.create(
    { ...f.deps, config: {} },
    {
      tenantId,
      format: "gramjs",
      secret: {
        dcId: 2,
        address: "149.154.167.50",
        port: 443,
        authKey: randomBytes(256),
        apiId: 1,
        apiHash: "0123456789abcdef0123456789abcdef",
      },
    },
  );
}

/** Every blob key under `prefix`, raw from the storage port. */
export async function blobKeys(storage: Storage, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.blobs.list(prefix, { cursor });
    out.push(...page.items.map((b) => b.key));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}
