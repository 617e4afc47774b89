import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as Webhook from "../../../core/webhook/index.js";
import { requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

/** Webhook subscriptions per tenant; the signing secret is shown once, on create. */

const Params = z.object({ id: Webhook.WebhookIDSchema });
const WebhookSchema = z
  .object({
    webhookId: z.string(),
    url: z.string(),
    events: z.array(Webhook.WebhookEventTypeSchema),
    description: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Webhook");
const CreatedSchema = WebhookSchema.extend({ secret: z.string() }).openapi("CreatedWebhook");
const AttemptSchema = z.object({
  at: z.string(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});
const DeliverySchema = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    event: Webhook.WebhookEventTypeSchema,
    state: z.enum(["pending", "delivered", "failed"]),
    attempts: z.array(AttemptSchema),
    nextAttemptAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");

const base = { tags: ["webhooks"], security: API_KEY_SECURITY, middleware: requireTenant() };
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const createHook = createRoute({
  ...base,
  method: "post",
  path: "/webhooks",
  summary: "Subscribe a URL to session events (body signed with HMAC-SHA256, see README)",
  request: { body: { content: { "application/json": { schema: Webhook.CreateWebhookSchema } } } },
  responses: {
    201: json(CreatedSchema, "Created; `secret` is shown only now"),
    ...problemResponses(400, 401, 403, 413, 422),
  },
});
const listHooks = createRoute({
  ...base,
  method: "get",
  path: "/webhooks",
  summary: "The tenant's webhooks",
  responses: {
    200: json(z.object({ webhooks: z.array(WebhookSchema) }), "Webhooks"),
    ...problemResponses(401, 403),
  },
});
const deleteHook = createRoute({
  ...base,
  method: "delete",
  path: "/webhooks/{id}",
  summary: "Unsubscribe",
  request: { params: Params },
  responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
});
const DeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  cursor: z.string().min(1).max(2048).optional(),
});
const listDeliveries = createRoute({
  ...base,
  method: "get",
  path: "/webhooks/{id}/deliveries",
  summary: "Deliveries of a webhook, newest first, with every attempt; paged by `cursor`",
  request: { params: Params, query: DeliveriesQuery },
  responses: {
    200: json(
      z.object({ deliveries: z.array(DeliverySchema), nextCursor: z.string().nullable() }),
      "Deliveries",
    ),
    ...problemResponses(400, 401, 403, 404),
  },
});

export function createWebhookRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(createHook, async (c) => {
      const { webhook, secret } = await Webhook.create(
        c.var.deps,
        c.var.principal.tenantId,
        c.req.valid("json"),
      );
      return c.json({ ...publicView(webhook), secret }, 201);
    })
    .openapi(listHooks, async (c) => {
      const hooks = await Webhook.list(c.var.deps, c.var.principal.tenantId);
      return c.json({ webhooks: hooks.map(publicView) }, 200);
    })
    .openapi(deleteHook, async (c) => {
      await Webhook.remove(c.var.deps, c.var.principal.tenantId, c.req.valid("param").id);
      return c.body(null, 204);
    })
    .openapi(listDeliveries, async (c) => {
      const { tenantId } = c.var.principal;
      const { id } = c.req.valid("param");
      await Webhook.fromID(c.var.deps, tenantId, id);
      const page = await Webhook.listDeliveries(c.var.deps, tenantId, id, c.req.valid("query"));
      const deliveries = page.deliveries.map(({ webhookId: _, ...d }) => d);
      return c.json({ deliveries, nextCursor: page.nextCursor }, 200);
    });
}

// --- Internal helpers ---

function publicView(w: Webhook.Webhook): z.infer<typeof WebhookSchema> {
  return {
    webhookId: w.webhookId,
    url: w.url,
    events: w.events,
    description: w.description,
    createdAt: w.createdAt,
  };
}
