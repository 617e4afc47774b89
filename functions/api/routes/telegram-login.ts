import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { requestCode, verifyCode } from "../../../core/telegram/login-attempt-flow.js";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { createRouter } from "../router.js";
import { requestEmitter } from "../webhook-emit.js";
import { retryAfterHeader, SessionViewSchema, tenantRoute, toView } from "./telegram-schemas.js";

/**
 * Code login over two stateless calls (DESIGN §5): `code` sends a login code (or answers
 * `session_exists` when the tenant already has an active session for the phone, seed 002), `verify`
 * signs in on the same pre-login key and stores the session.
 */

const CodeRequestSchema = z
  .object({
    phoneNumber: TelegramSession.PhoneNumberSchema.openapi({ example: "+15550100001" }),
    apiId: TelegramSession.ApiIdSchema.optional(),
    apiHash: TelegramSession.ApiHashSchema.optional(),
  })
  .openapi("TelegramCodeRequest");

const CodeResponseSchema = z
  .discriminatedUnion("status", [
    z.object({
      status: z.literal("session_exists"),
      sessionId: z.string(),
      accountId: z.string().nullable(),
      phoneNumber: z.string(),
    }),
    z.object({
      status: z.literal("code_sent"),
      phoneNumber: z.string(),
      phoneCodeHash: z.string(),
      isCodeViaApp: z.boolean(),
    }),
  ])
  .openapi("TelegramCodeResponse");

const VerifyRequestSchema = z
  .object({
    phoneNumber: TelegramSession.PhoneNumberSchema,
    phoneCodeHash: z.string().min(1).max(256),
    code: z
      .string()
      .trim()
      .regex(/^\d{3,10}$/, "must be the digits of the login code"),
    password: z.string().min(1).max(1024).optional(),
  })
  .openapi("TelegramVerifyRequest");

const code = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/code",
  summary: "Send a login code, or answer session_exists when a usable session is stored",
  request: { body: { content: { "application/json": { schema: CodeRequestSchema } }, required: true } },
  responses: {
    200: {
      description: "Code sent, or a session exists",
      content: { "application/json": { schema: CodeResponseSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 422, 429, 502, 503),
  },
});

const verify = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/verify",
  summary: "Sign in with the code (and the 2FA password) and store the session",
  description:
    "Problems: `telegram.password_required` (with `hint`), `telegram.code_invalid`, `telegram.code_expired`, " +
    "`telegram.password_invalid`, `telegram.flood_wait` (with `retryAfter` and `Retry-After`), `telegram.unreachable`.",
  request: { body: { content: { "application/json": { schema: VerifyRequestSchema } }, required: true } },
  responses: {
    201: {
      description: "Signed in and stored",
      content: { "application/json": { schema: SessionViewSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 422, 429, 502, 503),
  },
});

export function createTelegramLoginRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.use("/telegram/*", retryAfterHeader());
  return router
    .openapi(code, async (c) => {
      const emit = requestEmitter(c.var);
      const result = await requestCode(c.var.deps, c.var.principal.tenantId, c.req.valid("json"), { emit });
      return c.json(result, 200);
    })
    .openapi(verify, async (c) => {
      const session = await verifyCode(c.var.deps, c.var.principal.tenantId, c.req.valid("json"));
      return c.json(toView(session, c.var.deps.clock()), 201);
    });
}
