import type { WebhookEvent } from "../../webhook/index.js";
import { toTelegramError } from "../errors.js";
import { SessionNotFoundError } from "./errors.js";
import { acquireLease, releaseLease } from "./lease.js";
import type { SessionRef, TelegramContext } from "./schema.js";
import { toClientString } from "./secret.js";
import { loadSecret, markChecked, markDead, requireSession } from "./session.js";
import { connectOptions, toApiError } from "./telegram-options.js";

/** The result of a liveness check. `reason` is Telegram's error for a dead key. */
export interface CheckResult {
  alive: boolean;
  reason?: string;
}

/** The holder name of the short lease a check takes while it is connected. */
export const CHECK_HOLDER = "sessionvault:check";

/**
 * Proves a session alive with `users.getUsers([self])` through its stored key.
 * - A session already marked dead answers `{alive: false}` without connecting (dead keys stay dead).
 * - It takes the session's lease for the duration, so it never connects while a consumer holds the
 *   key (`SessionLeasedError`, 409) and two checks never run on one key at once.
 * - A dead-key answer (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, …) marks the session dead and
 *   reports `telegram.session.dead` through `options.emit` (the tenant's webhooks).
 * - A network failure marks nothing and throws `telegram.unreachable` (503): "we could not ask" is
 *   not "the key is dead", and answering `alive: false` would invite callers to throw keys away.
 */
export async function checkSession(
  ctx: TelegramContext,
  ref: SessionRef,
  options: { emit?: (event: WebhookEvent) => Promise<void> } = {},
): Promise<CheckResult> {
  const session = await requireSession(ctx, ref);
  if (session.status === "dead") return { alive: false, reason: session.deadReason ?? "dead" };
  const timeoutMs = ctx.config.telegram?.timeoutMs ?? 20_000;
  const lease = await acquireLease(ctx, ref, { holder: CHECK_HOLDER, ttlMs: timeoutMs * 3 });
  try {
    const secret = await loadSecret(ctx, ref);
    try {
      const { getMe } = await import("../login.js"); // GramJS on first use only
      await getMe(await connectOptions(ctx.config.telegram, secret), toClientString(secret));
    } catch (err) {
      const problem = toTelegramError(err).problem;
      if (problem.kind !== "dead") throw toApiError(err);
      await markDead(ctx, ref, problem.errorMessage);
      await options.emit?.({
        type: "telegram.session.dead",
        tenantId: ref.tenantId,
        data: { sessionId: ref.sessionId, reason: problem.errorMessage },
      });
      return { alive: false, reason: problem.errorMessage };
    }
    await markChecked(ctx, ref);
    return { alive: true };
  } finally {
    await releaseLease(ctx, ref, lease.leaseId).catch((err: unknown) => {
      // Deleted while we checked: nothing left to release.
      if (!(err instanceof SessionNotFoundError)) throw err;
    });
  }
}
