import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as Stats from "../../../core/stats/index.js";
import { STATUSES as TELEGRAM_STATUSES } from "../../../core/telegram/session/index.js";
import { STATUSES as WHATSAPP_STATUSES } from "../../../core/whatsapp/session/index.js";
import { requireTenant } from "../auth.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { API_KEY_SECURITY, createRouter } from "../router.js";

/** `GET /v1/sessions/stats`: the caller's session numbers (seed 003) and stored bytes (seed 001). */

const counts = (statuses: readonly string[]) =>
  z.object(Object.fromEntries(statuses.map((s) => [s, z.number().int()])));

const StatsSchema = z
  .object({
    total: z.number().int(),
    active: z.number().int().openapi({ description: "WhatsApp `connected` + Telegram `active`." }),
    expired: z
      .number()
      .int()
      .openapi({ description: "Never-paired WhatsApp sessions past `expiresAt`, not yet cleaned up." }),
    byPlatform: z.object({ whatsapp: z.number().int(), telegram: z.number().int() }),
    byStatus: z.object({ whatsapp: counts(WHATSAPP_STATUSES), telegram: counts(TELEGRAM_STATUSES) }),
    bytesStored: z.number().int().openapi({ description: "Sum of the tenant's stored blob sizes." }),
  })
  .openapi("SessionStats");

const stats = createRoute({
  method: "get",
  path: "/sessions/stats",
  tags: ["sessions"],
  summary: "Session counts by platform and status, and bytes stored, for the caller's tenant",
  security: API_KEY_SECURITY,
  middleware: requireTenant(),
  responses: {
    200: { description: "The tenant's numbers", content: { "application/json": { schema: StatsSchema } } },
    ...problemResponses(401, 403),
  },
});

export function createStatsRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(stats, async (c) => {
    const { deps, principal } = c.var;
    return c.json(await Stats.sessionStats(deps, principal.tenantId, deps.clock()), 200);
  });
}
