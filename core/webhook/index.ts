export {
  attemptDue,
  DEFAULT_RETRY_DELAYS_MS,
  type DeliveryOptions,
  enqueue,
  listDeliveries,
} from "./delivery.js";
export { startWebhookDispatcher, type WebhookDispatcher } from "./dispatcher.js";
export {
  type CreateWebhookInput,
  CreateWebhookSchema,
  type Delivery,
  type DeliveryAttempt,
  WEBHOOK_EVENTS,
  type Webhook,
  type WebhookEvent,
  type WebhookEventType,
  WebhookEventTypeSchema,
  WebhookIDSchema,
} from "./schema.js";
export {
  DEFAULT_REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  signPayload,
  verifySignature,
} from "./signature.js";
export { create, fromID, list, remove, signingSecret, subscribers, type WebhookContext } from "./webhook.js";
