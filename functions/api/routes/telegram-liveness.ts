import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { createRouter } from "../router.js";
import { requestEmitter } from "../webhook-emit.js";
import { SessionParams, tenantRoute } from "./telegram-schemas.js";

/**
 * Liveness and leases. One client per auth key: a consumer leases a session before it connects and
 * releases it after; `check` connects only while nobody holds the lease (it takes one itself).
 */

const CheckSchema = z
  .object({ alive: z.boolean(), reason: z.string().optional() })
  .openapi("TelegramCheckResult");

const LeaseRequestSchema = z
  .object({
    holder: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: "Who takes it (for humans)" }),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .max(TelegramSession.MAX_LEASE_TTL_MS / 1000)
      .optional()
      .openapi({ description: "Default 300" }),
  })
  .openapi("TelegramLeaseRequest");

const LeaseSchema = z
  .object({ leaseId: z.string(), holder: z.string(), expiresAt: z.string().openapi({ format: "date-time" }) })
  .openapi("TelegramLeaseGrant");

const ReleaseQuery = z.object({ leaseId: z.string().min(1).max(128) });

const check = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/{id}/check",
  summary: "Prove the session alive (getMe through the stored key)",
  description:
    "A dead key (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, …) answers `{alive: false, reason}` and marks the " +
    "session dead. A network failure marks nothing and is a 503 `telegram.unreachable`. While leased: 409 " +
    "`telegram.session_leased`, nothing connects.",
  request: { params: SessionParams },
  responses: {
    200: { description: "The verdict", content: { "application/json": { schema: CheckSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 429, 502, 503),
  },
});

const lease = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/{id}/lease",
  summary: "Lease the session to one consumer; 409 while another lease is held",
  request: {
    params: SessionParams,
    body: { content: { "application/json": { schema: LeaseRequestSchema } }, required: false },
  },
  responses: {
    201: { description: "Leased", content: { "application/json": { schema: LeaseSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

const release = createRoute({
  ...tenantRoute,
  method: "delete",
  path: "/telegram/sessions/{id}/lease",
  summary: "Release a lease (by its id)",
  request: { params: SessionParams, query: ReleaseQuery },
  responses: { 204: { description: "Released" }, ...problemResponses(400, 401, 403, 404, 409) },
});

export function createTelegramLivenessRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(check, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      // A key found dead is reported to the tenant's webhooks.
      const emit = requestEmitter(c.var);
      return c.json(await TelegramSession.checkSession(c.var.deps, ref, { emit }), 200);
    })
    .openapi(lease, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      const body = c.req.valid("json");
      const granted = await TelegramSession.acquireLease(c.var.deps, ref, {
        holder: body.holder ?? c.var.principal.keyId,
        ...(body.ttlSeconds === undefined ? {} : { ttlMs: body.ttlSeconds * 1000 }),
      });
      return c.json({ ...granted, expiresAt: new Date(granted.expiresAt).toISOString() }, 201);
    })
    .openapi(release, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      await TelegramSession.releaseLease(c.var.deps, ref, c.req.valid("query").leaseId);
      return c.body(null, 204);
    });
}
