import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as Lifecycle from "../../../core/whatsapp/lifecycle/index.js";
import * as Session from "../../../core/whatsapp/session/index.js";
import { requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { qrPngAnswer, wantsPng } from "./qr-answer.js";
import {
  BINARY,
  NO_STORE,
  SessionParams,
  SessionStatusSchema,
  SessionViewSchema,
  toSessionView,
} from "./whatsapp-schemas.js";

/** WhatsApp sessions (seeds 000, 003): create or reuse, list, status, QR, pairing code, disconnect, delete. */

const base = { tags: ["whatsapp"], security: API_KEY_SECURITY, middleware: requireTenant() };
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const create = createRoute({
  ...base,
  method: "post",
  path: "/whatsapp/sessions",
  summary: "Create a session, or reconnect an existing one (seed 003)",
  request: { body: { content: { "application/json": { schema: Session.CreateInputSchema } } } },
  responses: {
    201: json(SessionStatusSchema, "Created; the connector will publish a QR or pairing code"),
    200: json(SessionStatusSchema, "Existing session: returned as is when connected, else asked to connect"),
    ...problemResponses(401, 403, 413, 415, 422),
  },
});

const ListQuery = z.object({
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const list = createRoute({
  ...base,
  method: "get",
  path: "/whatsapp/sessions",
  summary: "The tenant's sessions, one page at a time",
  request: { query: ListQuery },
  responses: {
    200: json(
      z.object({
        sessions: z.array(SessionViewSchema),
        count: z.number().int(),
        nextCursor: z.string().nullable(),
      }),
      "One page; `count` is its length, `nextCursor` null on the last page",
    ),
    ...problemResponses(400, 401, 403),
  },
});

const get = createRoute({
  ...base,
  method: "get",
  path: "/whatsapp/sessions/{id}",
  summary: "A session's status, account and last error",
  request: { params: SessionParams },
  responses: { 200: json(SessionViewSchema, "The session"), ...problemResponses(400, 401, 403, 404) },
});

const QrSchema = z.object({ qr: z.string(), expiresAt: z.string().nullable() }).openapi("WhatsAppQr");
const qr = createRoute({
  ...base,
  method: "get",
  path: "/whatsapp/sessions/{id}/qr",
  summary: "The current QR code: raw JSON, or a PNG with `Accept: image/png`",
  request: { params: SessionParams },
  responses: {
    200: {
      description: "The QR to scan in WhatsApp > Linked devices",
      content: { "application/json": { schema: QrSchema }, "image/png": { schema: BINARY } },
    },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const pairingCode = createRoute({
  ...base,
  method: "get",
  path: "/whatsapp/sessions/{id}/pairing-code",
  summary: "The pairing code, for sessions created with a phone number",
  request: { params: SessionParams },
  responses: {
    200: json(z.object({ pairingCode: z.string(), phoneNumber: z.string().nullable() }), "The code"),
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

const ReuseSchema = z
  .object({
    reused: z.boolean(),
    sessionId: z.string(),
    status: Session.StatusSchema,
    reason: z.enum(["logged_out", "no_credentials", "not_paired", "state_corrupt"]).optional(),
  })
  .openapi("WhatsAppReuse");
const reuse = createRoute({
  ...base,
  method: "post",
  path: "/whatsapp/sessions/{id}/reuse",
  summary: "Reconnect from stored credentials without a QR (seed 000)",
  request: { params: SessionParams },
  responses: {
    200: json(ReuseSchema, "`reused: true` and the status, or `reused: false` and why"),
    ...problemResponses(400, 401, 403, 404),
  },
});

const disconnect = createRoute({
  ...base,
  method: "post",
  path: "/whatsapp/sessions/{id}/disconnect",
  summary: "Stop the session; its credentials stay for a later reuse",
  request: { params: SessionParams },
  responses: { 200: json(SessionViewSchema, "Asked to disconnect"), ...problemResponses(400, 401, 403, 404) },
});

const remove = createRoute({
  ...base,
  method: "delete",
  path: "/whatsapp/sessions/{id}",
  summary: "Delete the session and wipe every stored key",
  request: { params: SessionParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
});

export function createWhatsAppSessionRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(create, async (c) => {
      const input = { ...c.req.valid("json"), tenantId: c.var.principal.tenantId };
      const { unpairedTtlMs } = c.var.deps.config;
      const { session, created } = await Lifecycle.connect(c.var.deps, input, { unpairedTtlMs });
      const body = { sessionId: session.sessionId, status: session.status };
      return created ? c.json(body, 201) : c.json(body, 200);
    })
    .openapi(list, async (c) => {
      const { cursor, limit } = c.req.valid("query");
      const page = await Session.list(c.var.deps, c.var.principal.tenantId, { cursor, limit });
      const sessions = page.sessions.map(toSessionView);
      return c.json({ sessions, count: sessions.length, nextCursor: page.nextCursor }, 200);
    })
    .openapi(get, async (c) => {
      const session = await Lifecycle.requireSession(c.var.deps, ref(c));
      return c.json(toSessionView(session), 200);
    })
    .openapi(qr, async (c) => {
      const current = await Lifecycle.currentQr(c.var.deps, ref(c));
      if (!wantsPng(c)) return c.json(current, 200, NO_STORE);
      return qrPngAnswer(c, current.qr);
    })
    .openapi(pairingCode, async (c) => {
      return c.json(await Lifecycle.currentPairingCode(c.var.deps, ref(c)), 200, NO_STORE);
    })
    .openapi(reuse, async (c) => {
      const result = await Lifecycle.reuse(c.var.deps, ref(c));
      const { sessionId, status } = result.session;
      return c.json(
        result.reused
          ? { reused: true, sessionId, status }
          : { reused: false, sessionId, status, reason: result.reason },
        200,
      );
    })
    .openapi(disconnect, async (c) => {
      return c.json(toSessionView(await Session.requestDisconnect(c.var.deps, ref(c))), 200);
    })
    .openapi(remove, async (c) => {
      await Lifecycle.removeSession(c.var.deps, ref(c));
      return c.body(null, 204);
    });
}

// --- Internal helpers ---

/** The caller's session named by the path: always scoped to the key's tenant. */
function ref(c: {
  req: { param(name: "id"): string };
  var: { principal: { tenantId: string } };
}): Session.SessionRef {
  return { tenantId: c.var.principal.tenantId, sessionId: c.req.param("id") };
}
