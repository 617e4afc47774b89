import { z } from "../zod.js";

/** Events a tenant can subscribe to. */
export const WEBHOOK_EVENTS = [
  "session.qr",
  "session.connected",
  "session.disconnected",
  "session.logged_out",
  "session.conflict",
  "session.integrity_failed",
  "telegram.session.dead",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENTS);

export const WebhookIDSchema = z
  .string()
  .regex(/^whk_[0-9A-HJKMNP-TV-Z]{26}$/, "must be a webhook id (whk_…)");

export const CreateWebhookSchema = z.object({
  url: z
    .string()
    .max(2048)
    .url()
    .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
  events: z.array(WebhookEventTypeSchema).min(1).max(WEBHOOK_EVENTS.length),
  description: z.string().max(200).optional(),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookSchema>;

export interface Webhook {
  webhookId: string;
  tenantId: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  createdAt: string;
}

/** What a session or job reports; turned into one delivery per subscribed webhook. */
export interface WebhookEvent {
  type: WebhookEventType;
  tenantId: string;
  /** Non-secret facts: session id, status, reason, blob name. Never key material or QR contents. */
  data: Record<string, string | number | boolean | null>;
}

export interface DeliveryAttempt {
  at: string;
  /** HTTP status, or null when the request never got an answer. */
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface Delivery {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  event: WebhookEventType;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  nextAttemptAt: string | null;
  createdAt: string;
}
