import type { WebhookDispatcher, WebhookEvent } from "../core/webhook/index.js";
import type { Logger, OnEvent, SessionEvent } from "./types.js";

/**
 * Forwards the runners' session events to the tenant's webhooks. Delivery records are stored,
 * so the payload carries only non-secret facts: the raw QR of `session.qr` is dropped (the
 * receiver fetches it from `GET …/qr`), and nested values are left out.
 */
export function forwardToWebhooks(dispatcher: Pick<WebhookDispatcher, "emit">, logger: Logger): OnEvent {
  return (event) => {
    dispatcher.emit(toWebhookEvent(event)).catch((error: unknown) => {
      logger.warn(
        { type: event.type, sessionId: event.sessionId, error: (error as Error).message },
        "webhook emit failed",
      );
    });
  };
}

export function toWebhookEvent(event: SessionEvent): WebhookEvent {
  const data: WebhookEvent["data"] = { platform: "whatsapp", sessionId: event.sessionId, at: event.at };
  for (const [key, value] of Object.entries(event.data)) {
    if (key === "qr") continue;
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
      data[key] = value as string | number | boolean | null;
    }
  }
  return { type: event.type, tenantId: event.tenantId, data };
}
