import { attemptDue, type DeliveryOptions, enqueue } from "./delivery.js";
import type { WebhookEvent } from "./schema.js";
import type { WebhookContext } from "./webhook.js";

export interface WebhookDispatcher {
  /** Records the event's deliveries and attempts them now; retries follow on the dispatcher's loop. */
  emit(event: WebhookEvent): Promise<void>;
  /** Runs one pass over due deliveries (tests; the loop calls it every `intervalMs`). */
  tick(): Promise<number>;
  stop(): void;
}

/**
 * The long-running side of webhooks: polls due deliveries every `intervalMs` (default 2 s).
 * Run it in long-lived processes (connector, `npm start`); a Lambda only calls `emit`, whose
 * first attempt is immediate and whose retries are picked up here.
 */
export function startWebhookDispatcher(
  ctx: WebhookContext,
  options: DeliveryOptions & { intervalMs?: number; onError?: (error: unknown) => void; loop?: boolean } = {},
): WebhookDispatcher {
  let running: Promise<number> | null = null;
  const tick = (): Promise<number> => {
    running ??= attemptDue(ctx, options).finally(() => {
      running = null;
    });
    return running;
  };
  const timer =
    options.loop === false
      ? null
      : setInterval(
          () => void tick().catch((e: unknown) => options.onError?.(e)),
          options.intervalMs ?? 2_000,
        );
  timer?.unref();
  return {
    async emit(event) {
      if ((await enqueue(ctx, event)).length > 0) await tick();
    },
    tick,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
