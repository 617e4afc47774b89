import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { JsonFileMapSchema, JsonImportSchema } from "../../../core/whatsapp/archive/index.js";
import * as Lifecycle from "../../../core/whatsapp/lifecycle/index.js";
import type { SessionRef } from "../../../core/whatsapp/session/index.js";
import { requireScope, requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { BINARY, NO_STORE, SessionParams } from "./whatsapp-schemas.js";

/**
 * Key material in and out of a WhatsApp session (DESIGN §4, seeds 001 and 004): import and export
 * a `useMultiFileAuthState` folder as tar.gz or the JSON map, list kept snapshots, force-restore one.
 */

const base = { tags: ["whatsapp"], security: API_KEY_SECURITY };

const ImportResultSchema = z
  .object({
    sessionId: z.string(),
    files: z.number().int(),
    generation: z.number().int(),
    paired: z.boolean(),
    created: z.boolean(),
  })
  .openapi("WhatsAppImportResult");

const importRoute = createRoute({
  ...base,
  middleware: requireTenant(),
  method: "post",
  path: "/whatsapp/sessions/{id}/import",
  summary: "Replace the session's credentials with a folder (tar.gz) or the seed 004 JSON map",
  description:
    "Refused while a connector runs the session (409): disconnect it first. A bad archive is refused with an `archive.*` or `auth_state.import_invalid` code and changes nothing. The previous state stays restorable as a backup. An id the tenant does not have yet is created for the import (201, `created: true`), disconnected: start it with `POST …/reuse`.",
  request: {
    params: SessionParams,
    body: {
      content: {
        "application/json": { schema: JsonImportSchema },
        "application/gzip": { schema: BINARY },
        "application/x-gzip": { schema: BINARY },
        "application/x-tar": { schema: BINARY },
      },
    },
  },
  responses: {
    200: { description: "Imported", content: { "application/json": { schema: ImportResultSchema } } },
    201: {
      description: "Session created (disconnected) and imported",
      content: { "application/json": { schema: ImportResultSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
});

const exportRoute = createRoute({
  ...base,
  middleware: requireScope("export"),
  method: "get",
  path: "/whatsapp/sessions/{id}/export",
  summary: "The session's credentials as a folder tar.gz (default) or the JSON map; needs the `export` scope",
  request: { params: SessionParams, query: z.object({ format: z.enum(["tar", "json"]).default("tar") }) },
  responses: {
    200: {
      description: "Key material: store it like a password",
      content: { "application/gzip": { schema: BINARY }, "application/json": { schema: JsonFileMapSchema } },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

const BackupSchema = z
  .object({
    generation: z.number().int(),
    createdAt: z.string(),
    size: z.number().int(),
    current: z.boolean(),
  })
  .openapi("WhatsAppBackup");
const backups = createRoute({
  ...base,
  middleware: requireTenant(),
  method: "get",
  path: "/whatsapp/sessions/{id}/backups",
  summary: "Kept point-in-time snapshots, newest first",
  request: { params: SessionParams },
  responses: {
    200: {
      description: "The backups",
      content: {
        "application/json": { schema: z.object({ sessionId: z.string(), backups: z.array(BackupSchema) }) },
      },
    },
    ...problemResponses(400, 401, 403, 404),
  },
});

const RestoreParams = SessionParams.extend({
  generation: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: "generation", in: "path" }, example: 3 }),
});
const restore = createRoute({
  ...base,
  middleware: requireTenant(),
  method: "post",
  path: "/whatsapp/sessions/{id}/backups/{generation}/restore",
  summary: "Make a kept snapshot the session's state (seed 001 forced restore)",
  description:
    "Refused while a connector runs the session (409). Log written after that snapshot is not replayed.",
  request: { params: RestoreParams },
  responses: {
    200: {
      description: "Restored",
      content: {
        "application/json": {
          schema: z.object({
            sessionId: z.string(),
            generation: z.number().int(),
            restored: z.literal(true),
          }),
        },
      },
    },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function createWhatsAppTransferRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(importRoute, async (c) => {
      const isJson = /^application\/([\w.+-]*\+)?json\b/i.test(c.req.header("content-type") ?? "");
      const upload: Lifecycle.Upload = isJson
        ? { format: "json", body: await c.req.json() }
        : { format: "tar", bytes: new Uint8Array(await c.req.arrayBuffer()) };
      const { unpairedTtlMs } = c.var.deps.config;
      const result = await Lifecycle.importArchive(c.var.deps, ref(c), upload, { unpairedTtlMs });
      const body = { sessionId: c.req.valid("param").id, ...result };
      return result.created ? c.json(body, 201) : c.json(body, 200);
    })
    .openapi(exportRoute, async (c) => {
      const out = await Lifecycle.exportArchive(c.var.deps, ref(c), c.req.valid("query").format);
      if (out.format === "json") return c.json(out.files, 200, NO_STORE);
      const disposition = `attachment; filename="${c.req.valid("param").id}.tar.gz"`;
      const headers = { ...NO_STORE, "content-type": "application/gzip", "content-disposition": disposition };
      return c.body(out.bytes as Uint8Array<ArrayBuffer>, 200, headers);
    })
    .openapi(backups, async (c) => {
      const kept = await Lifecycle.listBackups(c.var.deps, ref(c));
      const list = kept.map((b) => ({ ...b, createdAt: new Date(b.createdAt).toISOString() }));
      return c.json({ sessionId: c.req.valid("param").id, backups: list }, 200);
    })
    .openapi(restore, async (c) => {
      const { id, generation } = c.req.valid("param");
      await Lifecycle.restoreBackup(c.var.deps, ref(c), generation);
      return c.json({ sessionId: id, generation, restored: true as const }, 200);
    });
}

// --- Internal helpers ---

function ref(c: {
  req: { param(name: "id"): string };
  var: { principal: { tenantId: string } };
}): SessionRef {
  return { tenantId: c.var.principal.tenantId, sessionId: c.req.param("id") };
}
