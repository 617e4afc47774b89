import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ScopeSchema } from "../../../core/api-key/index.js";
import { requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

/** `GET /v1/me`: who the calling key belongs to. The smallest example of a tenant route. */

const MeSchema = z
  .object({ tenantId: z.string(), keyId: z.string(), scopes: z.array(ScopeSchema) })
  .openapi("Me");

const me = createRoute({
  method: "get",
  path: "/me",
  tags: ["tenants"],
  summary: "The calling key's tenant, key id and scopes",
  security: API_KEY_SECURITY,
  middleware: requireTenant(),
  responses: {
    200: { description: "The caller", content: { "application/json": { schema: MeSchema } } },
    ...problemResponses(401, 403),
  },
});

export function createMeRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(me, (c) => {
    const { tenantId, keyId, scopes } = c.var.principal;
    return c.json({ tenantId, keyId, scopes }, 200);
  });
}
