import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { KeyIDSchema, ScopesSchema } from "../../../core/api-key/index.js";
import * as Tenant from "../../../core/tenant/index.js";
import { requireAdmin } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

/** Tenant and API key management; admin key only. Secrets appear in these responses exactly once. */

const TenantParams = z.object({ id: Tenant.TenantIDSchema.openapi({ param: { name: "id", in: "path" } }) });
const KeyParams = TenantParams.extend({
  keyId: KeyIDSchema.openapi({ param: { name: "keyId", in: "path" } }),
});
const CreatedTenantSchema = z
  .object({ tenantId: z.string(), keyId: z.string(), apiKey: z.string() })
  .openapi("CreatedTenant");
const CreateKeySchema = z.object({ scopes: ScopesSchema.optional() }).openapi("CreateKey");
const CreatedKeySchema = z
  .object({ keyId: z.string(), apiKey: z.string(), scopes: ScopesSchema })
  .openapi("CreatedKey");

const base = { tags: ["tenants"], security: API_KEY_SECURITY, middleware: requireAdmin() };

const createTenant = createRoute({
  ...base,
  method: "post",
  path: "/tenants",
  summary: "Create a tenant and its first API key",
  request: { body: { content: { "application/json": { schema: Tenant.CreateInputSchema } } } },
  responses: {
    201: {
      description: "Created; `apiKey` is shown only now",
      content: { "application/json": { schema: CreatedTenantSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 422),
  },
});

const createKey = createRoute({
  ...base,
  method: "post",
  path: "/tenants/{id}/keys",
  summary: "Create another API key for a tenant",
  request: { params: TenantParams, body: { content: { "application/json": { schema: CreateKeySchema } } } },
  responses: {
    201: {
      description: "Created; `apiKey` is shown only now",
      content: { "application/json": { schema: CreatedKeySchema } },
    },
    ...problemResponses(400, 401, 403, 404, 413, 422),
  },
});

const revokeKey = createRoute({
  ...base,
  method: "delete",
  path: "/tenants/{id}/keys/{keyId}",
  summary: "Revoke an API key; it stops working at once",
  request: { params: KeyParams },
  responses: { 204: { description: "Revoked" }, ...problemResponses(400, 401, 403, 404) },
});

export function createTenantRoutes(): OpenAPIHono<AppEnv> {
  return createRouter()
    .openapi(createTenant, async (c) => {
      const { tenant, key } = await Tenant.create(c.var.deps, c.req.valid("json"));
      return c.json({ tenantId: tenant.tenantId, keyId: key.keyId, apiKey: key.apiKey }, 201);
    })
    .openapi(createKey, async (c) => {
      const { scopes } = c.req.valid("json");
      const key = await Tenant.createKey(c.var.deps, { tenantId: c.req.valid("param").id, scopes });
      return c.json({ keyId: key.keyId, apiKey: key.apiKey, scopes: key.scopes }, 201);
    })
    .openapi(revokeKey, async (c) => {
      const { id, keyId } = c.req.valid("param");
      await Tenant.revokeKey(c.var.deps, { tenantId: id, keyId });
      return c.body(null, 204);
    });
}
