import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as Cleanup from "../../../core/cleanup/index.js";
import { SessionIDSchema } from "../../../core/whatsapp/session/index.js";
import { requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { requestEmitter } from "../webhook-emit.js";

/**
 * `POST /v1/whatsapp/sessions/{id}/verify`: the integrity scrub for one session, now. 200 either
 * way: the answer is the finding. A failure also marks the session `degraded` naming the blob and
 * fires `session.integrity_failed`; restore a kept backup to recover.
 */

const Params = z.object({
  id: SessionIDSchema.openapi({ param: { name: "id", in: "path" }, example: "sales-bot" }),
});
const VerifySchema = z
  .union([
    z.object({ ok: z.literal(true) }),
    z.object({
      ok: z.literal(false),
      blob: z
        .string()
        .nullable()
        .openapi({ description: "The blob that failed; null for the pointer record." }),
      reason: z.string().openapi({ description: "Why: auth_failed, missing, bad_payload, …" }),
    }),
  ])
  .openapi("WhatsAppVerifyResult");

const verify = createRoute({
  method: "post",
  path: "/whatsapp/sessions/{id}/verify",
  tags: ["whatsapp"],
  summary: "Read back the session's newest snapshot and log and check every blob",
  security: API_KEY_SECURITY,
  middleware: requireTenant(),
  request: { params: Params },
  responses: {
    200: { description: "The finding", content: { "application/json": { schema: VerifySchema } } },
    ...problemResponses(400, 401, 403, 404),
  },
});

export function createWhatsAppVerifyRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(verify, async (c) => {
    const { deps, principal } = c.var;
    const ref = { tenantId: principal.tenantId, sessionId: c.req.valid("param").id };
    const result = await Cleanup.verifySession({ ...deps, emit: requestEmitter(c.var) }, ref, deps.clock());
    return c.json(result, 200);
  });
}
