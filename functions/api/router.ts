import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.js";
import { validationHook } from "./problem.js";

/**
 * Building blocks for route files. A route file exports one router made with `createRouter()`,
 * declares each route with `createRoute()` (so it lands in `/v1/openapi.json`) and is mounted
 * under `/v1` in `app.ts`.
 */

/** A router whose zod validation failures become `validation_failed` problems. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** OpenAPI `security` for routes behind an auth middleware: either header works. */
export const API_KEY_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { apiKeyHeader: [] }];

/** Registers the two security schemes `API_KEY_SECURITY` names. Called once by `createApp`. */
export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A tenant API key (`sv_…`) or the admin key.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyHeader", {
    type: "apiKey",
    in: "header",
    name: "X-Api-Key",
  });
}
