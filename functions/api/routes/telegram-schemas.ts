import { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { SessionvaultError } from "../../../core/error.js";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import { requireTenant } from "../auth.js";
import { API_KEY_SECURITY } from "../router.js";

/** Schemas and helpers shared by the `telegram-*.ts` route files. Responses never carry key material. */

export const SessionParams = z.object({
  id: TelegramSession.SessionIDSchema.openapi({ param: { name: "id", in: "path" }, example: "tg_01J…" }),
});

export const LeaseViewSchema = z
  .object({ holder: z.string(), expiresAt: z.string().openapi({ format: "date-time" }) })
  .openapi("TelegramLease");

export const SessionViewSchema = z
  .object({
    sessionId: z.string(),
    accountId: z.string().nullable().openapi({ description: "Telegram user id, decimal" }),
    phoneNumber: z.string().nullable(),
    dcId: z.number().int(),
    format: z
      .string()
      .openapi({ description: "`login` or the imported format (gramjs, telethon-sqlite, …)" }),
    apiId: z.number().int(),
    status: z.enum(TelegramSession.STATUSES),
    deadReason: z.string().nullable(),
    createdAt: z.string(),
    lastCheckedAt: z.string().nullable(),
    lease: LeaseViewSchema.nullable().openapi({ description: "The current, unexpired lease" }),
  })
  .openapi("TelegramSession");
export type SessionView = z.infer<typeof SessionViewSchema>;

/** Common route fields: tag, security and the tenant-key middleware. */
export const tenantRoute = {
  tags: ["telegram"],
  security: API_KEY_SECURITY,
  middleware: requireTenant(),
};

/** The public view of a session; the lease id is a capability of its holder and is not shown. */
export function toView(session: TelegramSession.TelegramSession, now: number): SessionView {
  const lease = session.lease && session.lease.expiresAt > now ? session.lease : null;
  return {
    sessionId: session.sessionId,
    accountId: session.accountId,
    phoneNumber: session.phoneNumber,
    dcId: session.dcId,
    format: session.format,
    apiId: session.apiId,
    status: session.status,
    deadReason: session.deadReason,
    createdAt: session.createdAt,
    lastCheckedAt: session.lastCheckedAt,
    lease: lease ? { holder: lease.holder, expiresAt: new Date(lease.expiresAt).toISOString() } : null,
  };
}

/**
 * Adds `Retry-After` (RFC 9110 §10.2.3) to any problem that carries a numeric `retryAfter`, e.g.
 * `telegram.flood_wait`. Runs after `onError` built the problem response.
 */
export function retryAfterHeader(): MiddlewareHandler {
  return async function retryAfterHeader(c, next) {
    await next();
    const err = c.error;
    const seconds = err instanceof SessionvaultError ? err.details.retryAfter : undefined;
    if (typeof seconds === "number" && Number.isFinite(seconds)) {
      c.res.headers.set("Retry-After", String(Math.max(0, Math.ceil(seconds))));
    }
  };
}
