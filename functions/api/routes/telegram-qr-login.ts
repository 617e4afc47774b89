import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { QrAlreadyScannedError } from "../../../core/telegram/qr-login-attempt.js";
import {
  currentQrLogin,
  pollQrLogin,
  type QrLoginState,
  startQrLogin,
} from "../../../core/telegram/qr-login-flow.js";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { createRouter } from "../router.js";
import { qrPngAnswer, wantsPng } from "./qr-answer.js";
import { retryAfterHeader, SessionViewSchema, tenantRoute, toView } from "./telegram-schemas.js";
import { BINARY, NO_STORE } from "./whatsapp-schemas.js";

/**
 * QR login over stateless calls (DESIGN §5's alternative to the code): `POST …/qr` exports a login
 * token on a fresh key and answers the `tg://login?token=…` to show; the user scans it in a Telegram
 * app already logged in (Settings → Devices → Link Desktop Device); each `POST …/qr/{loginId}` asks
 * Telegram again on the same key, until the session is stored. `GET …/qr/{loginId}` shows the last QR
 * (JSON, or PNG with `Accept: image/png`) without asking Telegram.
 */

const StartRequestSchema = z
  .object({
    apiId: TelegramSession.ApiIdSchema.optional(),
    apiHash: TelegramSession.ApiHashSchema.optional(),
  })
  .openapi("TelegramQrLoginRequest");

const PollRequestSchema = z
  .object({ password: z.string().min(1).max(1024).optional() })
  .openapi("TelegramQrLoginPoll");

const LoginParams = z.object({
  loginId: z
    .string()
    .regex(/^tgqr_[0-9a-f]{32}$/, "must be a loginId from POST /v1/telegram/sessions/qr")
    .openapi({ param: { name: "loginId", in: "path" } }),
});

const PendingSchema = z.object({
  status: z.literal("qr_pending"),
  loginId: z.string(),
  qr: z.string().openapi({ description: "tg://login?token=…, to show as a QR code" }),
  qrExpiresAt: z
    .string()
    .openapi({ description: "when this token runs out; a poll after it gets a new one" }),
  expiresAt: z.string().openapi({ description: "when the whole login attempt runs out" }),
});

const PasswordSchema = z.object({
  status: z.literal("password_required"),
  loginId: z.string(),
  hint: z.string().nullable(),
  expiresAt: z.string(),
});

const StateSchema = z
  .discriminatedUnion("status", [PendingSchema, PasswordSchema])
  .openapi("TelegramQrLoginState");

const start = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/qr",
  summary: "Start a QR login: answers the tg://login URL to show as a QR code",
  request: { body: { content: { "application/json": { schema: StartRequestSchema } }, required: false } },
  responses: {
    201: { description: "Login started", content: { "application/json": { schema: PendingSchema } } },
    ...problemResponses(400, 401, 403, 413, 422, 429, 502, 503),
  },
});

const poll = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/qr/{loginId}",
  summary: "Ask Telegram whether the QR was scanned; stores the session once it was",
  description:
    "200 `qr_pending` (show the `qr` it answers: the token is renewed every 30 s), 200 " +
    "`password_required` (the account has 2FA: poll again with `password`), or 201 with the stored " +
    "session. Problems: `telegram.qr_login_expired` (404: start again), `telegram.password_invalid`, " +
    "`telegram.qr_login_busy` (409: another poll of this login is running), `telegram.flood_wait`, " +
    "`telegram.unreachable`.",
  request: {
    params: LoginParams,
    body: { content: { "application/json": { schema: PollRequestSchema } }, required: false },
  },
  responses: {
    200: { description: "Not signed in yet", content: { "application/json": { schema: StateSchema } } },
    201: {
      description: "Signed in and stored",
      content: { "application/json": { schema: SessionViewSchema } },
    },
    ...problemResponses(400, 401, 403, 404, 409, 413, 422, 429, 502, 503),
  },
});

const show = createRoute({
  ...tenantRoute,
  method: "get",
  path: "/telegram/sessions/qr/{loginId}",
  summary: "The QR login as last polled: JSON, or the QR as a PNG with `Accept: image/png`",
  request: { params: LoginParams },
  responses: {
    200: {
      description: "The current state",
      content: { "application/json": { schema: StateSchema }, "image/png": { schema: BINARY } },
    },
    ...problemResponses(400, 401, 403, 404, 409),
  },
});

export function createTelegramQrLoginRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();
  router.use("/telegram/*", retryAfterHeader());
  return router
    .openapi(start, async (c) => {
      const state = await startQrLogin(c.var.deps, c.var.principal.tenantId, c.req.valid("json"));
      return c.json(pendingView(state), 201, NO_STORE);
    })
    .openapi(poll, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, loginId: c.req.valid("param").loginId };
      const state = await pollQrLogin(c.var.deps, ref, c.req.valid("json"));
      if (state.status === "signed_in") return c.json(toView(state.session, c.var.deps.clock()), 201);
      return c.json(toStateView(state), 200, NO_STORE);
    })
    .openapi(show, async (c) => {
      const ref = { tenantId: c.var.principal.tenantId, loginId: c.req.valid("param").loginId };
      const state = await currentQrLogin(c.var.deps, ref);
      if (!wantsPng(c)) return c.json(toStateView(state), 200, NO_STORE);
      if (state.status !== "qr_pending") throw new QrAlreadyScannedError(state.loginId);
      return qrPngAnswer(c, state.qr);
    });
}

// --- Internal helpers ---

type Waiting = Exclude<QrLoginState, { status: "signed_in" }>;

function toStateView(state: Waiting): z.infer<typeof StateSchema> {
  if (state.status === "qr_pending") return pendingView(state);
  return { ...state, expiresAt: iso(state.expiresAt) };
}

function pendingView(state: Extract<Waiting, { status: "qr_pending" }>): z.infer<typeof PendingSchema> {
  return { ...state, expiresAt: iso(state.expiresAt), qrExpiresAt: iso(state.qrExpiresAt) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
