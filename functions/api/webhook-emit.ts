import * as Webhook from "../../core/webhook/index.js";
import type { AppVariables } from "./env.js";

/**
 * A webhook emitter for one request (`c.var`): the delivery is stored and attempted once before
 * the answer (a Lambda has no loop to send it later; the long-running dispatcher retries). A
 * failure to queue it is logged and does not change the request's answer.
 */
export function requestEmitter(
  vars: Pick<AppVariables, "deps" | "log">,
): (event: Webhook.WebhookEvent) => Promise<void> {
  const dispatcher = Webhook.startWebhookDispatcher(vars.deps, { loop: false });
  return (event) =>
    dispatcher.emit(event).catch((err: unknown) => {
      vars.log.warn({ event: event.type, code: (err as { code?: string }).code }, "webhook not queued");
    });
}
