import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import { requireScope } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { createRouter } from "../router.js";
import { SessionParams, SessionViewSchema, tenantRoute, toView } from "./telegram-schemas.js";

/** Stored Telegram sessions: list, get, delete, and export (the one route that returns key material). */

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().min(1).max(2048).optional(),
});

const ListSchema = z
  .object({
    sessions: z.array(SessionViewSchema),
    count: z.number().int(),
    nextCursor: z.string().nullable(),
  })
  .openapi("TelegramSessionList");

const ExportQuery = z.object({
  format: z.enum(["gramjs", "telethon", "pyrogram"]).default("gramjs"),
  leaseId: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ description: "Required while the session is leased" }),
});

const ExportSchema = z.object({ sessionString: z.string() }).openapi("TelegramSessionExport");

const list = createRoute({
  ...tenantRoute,
  method: "get",
  path: "/telegram/sessions",
  summary: "The tenant's Telegram sessions, oldest first, paginated",
  request: { query: ListQuery },
  responses: {
    200: { description: "A page of sessions", content: { "application/json": { schema: ListSchema } } },
    ...problemResponses(400, 401, 403),
  },
});

const get = createRoute({
  ...tenantRoute,
  method: "get",
  path: "/telegram/sessions/{id}",
  summary: "One Telegram session (no key material)",
  request: { params: SessionParams },
  responses: {
    200: { description: "The session", content: { "application/json": { schema: SessionViewSchema } } },
    ...problemResponses(400, 401, 403, 404),
  },
});

const remove = createRoute({
  ...tenantRoute,
  method: "delete",
  path: "/telegram/sessions/{id}",
  summary: "Delete a Telegram session: record, encrypted key and phone lookup",
  request: { params: SessionParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses(400, 401, 403, 404) },
});

const exportRoute = createRoute({
  ...tenantRoute,
  middleware: requireScope("export"),
  method: "get",
  path: "/telegram/sessions/{id}/export",
  summary: "The session as a GramJS, Telethon or Pyrogram string (keys with the `export` scope only)",
  description:
    "Hands out the auth key. While the session is leased, only the lease holder may export (`leaseId`). " +
    "Use one client per key: two at once get it killed (AUTH_KEY_DUPLICATED).",
  request: { params: SessionParams, query: ExportQuery },
  responses: {
    200: { description: "The session string", content: { "application/json": { schema: ExportSchema } } },
    ...problemResponses(400, 401, 403, 404, 409, 422),
  },
});

export function createTelegramSessionRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(list, async (c) => {
      const { deps, principal } = c.var;
      const page = await TelegramSession.list(deps, principal.tenantId, c.req.valid("query"));
      const sessions = page.sessions.map((s) => toView(s, deps.clock()));
      return c.json({ sessions, count: sessions.length, nextCursor: page.nextCursor }, 200);
    })
    .openapi(get, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      const session = await TelegramSession.requireSession(c.var.deps, ref);
      return c.json(toView(session, c.var.deps.clock()), 200);
    })
    .openapi(remove, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      await TelegramSession.remove(c.var.deps, ref);
      return c.body(null, 204);
    })
    .openapi(exportRoute, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, sessionId: c.req.valid("param").id };
      const { format, leaseId } = c.req.valid("query");
      const sessionString = await TelegramSession.exportString(c.var.deps, ref, format, leaseId);
      c.header("Cache-Control", "no-store");
      return c.json({ sessionString }, 200);
    });
}
