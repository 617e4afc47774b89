import { swaggerUI } from "@hono/swagger-ui";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { ulid } from "ulid";
import { SessionvaultError } from "../../core/error.js";
import type { AppDeps, AppEnv } from "./env.js";
import { requestLogger } from "./logger.js";
import { createErrorHandler, handleNotFound } from "./problem.js";
import { createRouter, registerSecuritySchemes } from "./router.js";
import { createCleanupRoutes } from "./routes/cleanup.js";
import { createDashboardRoutes } from "./routes/dashboard.js";
import { createHealthRoutes } from "./routes/health.js";
import { createMeRoutes } from "./routes/me.js";
import { createStatsRoutes } from "./routes/stats.js";
import { createTelegramImportRoutes } from "./routes/telegram-import.js";
import { createTelegramLivenessRoutes } from "./routes/telegram-liveness.js";
import { createTelegramLoginRoutes } from "./routes/telegram-login.js";
import { createTelegramQrLoginRoutes } from "./routes/telegram-qr-login.js";
import { createTelegramSessionRoutes } from "./routes/telegram-sessions.js";
import { createTenantRoutes } from "./routes/tenants.js";
import { createWebhookRoutes } from "./routes/webhooks.js";
import { createWhatsAppSessionRoutes } from "./routes/whatsapp-sessions.js";
import { createWhatsAppTransferRoutes } from "./routes/whatsapp-transfer.js";
import { createWhatsAppVerifyRoutes } from "./routes/whatsapp-verify.js";

/** Request bodies above this get 413 unless `config.bodyLimitBytes` says otherwise. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** The import routes' limit unless `config.importBodyLimitBytes` says otherwise. */
export const DEFAULT_IMPORT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Routes that take a whole session (a WhatsApp folder, a Telegram `.session` file) as their body. */
export const IMPORT_ROUTES = [
  /^\/v1\/whatsapp\/sessions\/[^/]+\/import$/,
  /^\/v1\/telegram\/sessions\/import$/,
];

/**
 * The Sessionvault HTTP API. Everything it needs comes in `deps`; it reads no environment,
 * so tests build it over the memory adapter and entry files (`lambda.ts`, `node-server.ts`
 * callers) over a resolved config. Throws at once if the admin key is empty.
 *
 * Order matters: request id first (every problem and log line carries it), then context,
 * logging and the body limit, then the routes under `/v1`.
 */
export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  if (!deps.config.adminKey)
    throw new Error("createApp: config.adminKey is required (SESSIONVAULT_ADMIN_KEY)");
  const generalLimit = limitBody(deps.config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES);
  const importLimit = limitBody(deps.config.importBodyLimitBytes ?? DEFAULT_IMPORT_BODY_LIMIT_BYTES);
  const app = createRouter();

  app.use(requestId({ generator: () => `req_${ulid()}` }));
  app.use(async function injectDeps(c, next) {
    c.set("deps", deps);
    c.set("log", deps.logger.child({ requestId: c.var.requestId }));
    await next();
  });
  app.use(requestLogger());
  app.use(function limitBodySize(c, next) {
    // The import routes take a whole session as their body; everything else stays small.
    return (IMPORT_ROUTES.some((route) => route.test(c.req.path)) ? importLimit : generalLimit)(c, next);
  });

  app.route("/", createDashboardRoutes());
  app.route("/v1", createHealthRoutes());
  app.route("/v1", createMeRoutes());
  app.route("/v1", createTenantRoutes());
  app.route("/v1", createTelegramLoginRoutes());
  app.route("/v1", createTelegramQrLoginRoutes());
  app.route("/v1", createTelegramImportRoutes());
  app.route("/v1", createTelegramSessionRoutes());
  app.route("/v1", createTelegramLivenessRoutes());
  app.route("/v1", createWebhookRoutes());
  app.route("/v1", createCleanupRoutes());
  app.route("/v1", createStatsRoutes());
  app.route("/v1", createWhatsAppVerifyRoutes());
  app.route("/v1", createWhatsAppSessionRoutes());
  app.route("/v1", createWhatsAppTransferRoutes());

  registerSecuritySchemes(app);
  app.doc31("/v1/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Sessionvault API", version: "1" },
  });
  app.get("/docs", swaggerUI({ url: "/v1/openapi.json" }));

  app.notFound(handleNotFound);
  app.onError(createErrorHandler(deps.logger));
  return app;
}

// --- Internal helpers ---

function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new SessionvaultError("payload_too_large", `the request body is larger than ${maxSize} bytes`, {
        status: 413,
        details: { limitBytes: maxSize },
      });
    },
  });
}
