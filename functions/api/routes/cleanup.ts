import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as Cleanup from "../../../core/cleanup/index.js";
import { requireAuth } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";
import { requestEmitter } from "../webhook-emit.js";

/**
 * `POST /v1/sessions/cleanup`: a manual run of the scheduled cleanup job (DESIGN §7, seed 003).
 * Who may run it: the job is global housekeeping, so the admin key runs it over every tenant; a
 * tenant key runs the same job scoped to its own tenant only (its sessions, logins and blobs), so
 * a tenant can clean up now without waiting for the schedule and can never reach another
 * tenant's data. The answer is the same counts either way.
 */

const CountsSchema = z
  .object({
    expired: z.number().int(),
    blobsDeleted: z.number().int(),
    loginsDropped: z.number().int(),
    generationsPruned: z.number().int(),
    leasesReleased: z.number().int(),
    scrubbed: z.number().int(),
    integrityFailures: z.number().int(),
    deliveriesPruned: z.number().int(),
    errors: z.number().int(),
  })
  .openapi("CleanupCounts");

const cleanup = createRoute({
  method: "post",
  path: "/sessions/cleanup",
  tags: ["sessions"],
  summary: "Run the cleanup job now: every tenant with the admin key, the caller's tenant with a tenant key",
  security: API_KEY_SECURITY,
  middleware: requireAuth(),
  responses: {
    200: { description: "What the run did", content: { "application/json": { schema: CountsSchema } } },
    ...problemResponses(401),
  },
});

export function createCleanupRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(cleanup, async (c) => {
    const { deps, principal } = c.var;
    const counts = await Cleanup.runCleanup(
      { ...deps, emit: requestEmitter(c.var), logger: c.var.log },
      {
        now: deps.clock(),
        ...(deps.config.unpairedTtlMs ? { unpairedTtlMs: deps.config.unpairedTtlMs } : {}),
        ...(principal.kind === "tenant" ? { tenantId: principal.tenantId } : {}),
      },
    );
    c.var.log.info({ principal: principal.kind, ...counts }, "cleanup: manual run");
    return c.json(counts, 200);
  });
}
