import { z } from "@hono/zod-openapi";
import * as Session from "../../../core/whatsapp/session/index.js";

/**
 * Shapes shared by the WhatsApp route files, and the one mapping from a stored session to what a
 * tenant may see: no QR, pairing code, lease or key material ever leaves through a session view.
 */

// `clone()`: zod 4 binds `.openapi` per instance at construction, so a core schema built before
// `@hono/zod-openapi` was first imported lacks it; a clone is built now and has it.
export const SessionParams = z.object({
  id: Session.SessionIDSchema.clone().openapi({ param: { name: "id", in: "path" }, example: "sales-bot" }),
});

export const SessionViewSchema = z
  .object({
    sessionId: z.string(),
    status: Session.StatusSchema,
    desired: z.enum(["connected", "disconnected"]),
    paired: z.boolean(),
    phoneNumber: z.string().nullable().openapi({ description: "The number given for a pairing code." }),
    jid: z.string().nullable(),
    phone: z.string().nullable().openapi({ description: "The linked account's number." }),
    name: z.string().nullable(),
    connectedAt: z.string().nullable(),
    lastSeenAt: z.string().nullable(),
    lastError: z.object({ code: z.string(), reason: z.string() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    expiresAt: z
      .string()
      .nullable()
      .openapi({ description: "Never-paired sessions are removed after this." }),
  })
  .openapi("WhatsAppSession");
export type SessionView = z.infer<typeof SessionViewSchema>;

export const SessionStatusSchema = z
  .object({ sessionId: z.string(), status: Session.StatusSchema })
  .openapi("WhatsAppSessionStatus");

/** The public view of a stored session. */
export function toSessionView(s: Session.Session): SessionView {
  return {
    sessionId: s.sessionId,
    status: s.status,
    desired: s.desired,
    paired: s.paired,
    phoneNumber: s.phoneNumber ?? null,
    jid: s.account?.jid ?? null,
    phone: s.account?.phone ?? null,
    name: s.account?.name ?? null,
    connectedAt: s.connectedAt ?? null,
    lastSeenAt: s.lastSeenAt ?? null,
    lastError: s.lastError ? { code: s.lastError.code, reason: s.lastError.reason } : null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    expiresAt: s.expiresAt ?? null,
  };
}

/** OpenAPI schema of a binary body (PNG, tar.gz). */
export const BINARY = { type: "string", format: "binary" } as const;

/** Responses that hand out secrets (QR, pairing code, key material) must not be cached anywhere. */
export const NO_STORE = { "cache-control": "no-store" } as const;
