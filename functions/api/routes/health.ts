import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env.js";
import { createRouter } from "../router.js";

/** `GET /v1/health`: liveness, no auth. It touches no storage, so it stays cheap for load balancers. */

const HealthSchema = z.object({ status: z.literal("ok") }).openapi("Health");

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["ops"],
  summary: "Liveness check",
  responses: {
    200: { description: "The API is up", content: { "application/json": { schema: HealthSchema } } },
  },
});

export function createHealthRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(health, (c) => c.json({ status: "ok" as const }, 200));
}
