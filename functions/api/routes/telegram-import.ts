import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import * as TelegramSession from "../../../core/telegram/session/index.js";
import type { AppEnv } from "../env.js";
import { problemResponses } from "../problem.js";
import { createRouter } from "../router.js";
import { tenantRoute } from "./telegram-schemas.js";

/**
 * `POST /v1/telegram/sessions/import`: any supported format (GramJS, Telethon and Pyrogram strings,
 * Telethon and Pyrogram/Kurigram `.session` SQLite, the seed 002 descriptor, opentele sidecars), as
 * JSON or `multipart/form-data`. Every malformed input is a 4xx with the codec's stable
 * `telegram.session.*` code, and nothing is stored.
 */

const Credentials = {
  apiId: TelegramSession.ApiIdSchema.optional(),
  apiHash: TelegramSession.ApiHashSchema.optional(),
  phoneNumber: TelegramSession.PhoneNumberSchema.optional(),
};

const ImportJsonSchema = z
  .object({
    sessionString: z.string().optional(),
    file: z.string().optional().openapi({ description: "The file's bytes, standard base64" }),
    filename: z.string().max(255).optional(),
    sidecar: z.string().optional().openapi({ description: "An opentele .json sidecar for `file`" }),
    descriptor: z.record(z.string(), z.unknown()).optional().openapi({ description: "Seed 002 JSON" }),
    ...Credentials,
  })
  .catchall(z.unknown())
  .openapi("TelegramImportRequest", {
    description: "One of sessionString, file or descriptor; or a seed 002 descriptor as the body itself.",
  });

const Binary = z.any().openapi({ type: "string", format: "binary" });
const ImportFormSchema = z.object({
  file: Binary.optional(),
  sidecar: Binary.optional(),
  sessionString: z.string().optional(),
  ...Credentials,
});

const ImportedSchema = z
  .object({
    sessionId: z.string(),
    format: z.string(),
    dcId: z.number().int(),
    accountId: z.string().nullable(),
    phoneNumber: z.string().nullable(),
  })
  .openapi("TelegramImported");

const importRoute = createRoute({
  ...tenantRoute,
  method: "post",
  path: "/telegram/sessions/import",
  summary: "Import a Telegram session in any supported format",
  request: {
    body: {
      content: {
        "application/json": { schema: ImportJsonSchema },
        "multipart/form-data": { schema: ImportFormSchema },
      },
      required: true,
    },
  },
  responses: {
    201: { description: "Imported", content: { "application/json": { schema: ImportedSchema } } },
    ...problemResponses(400, 401, 403, 413, 415, 422),
  },
});

export function createTelegramImportRoutes(): OpenAPIHono<AppEnv> {
  return createRouter().openapi(importRoute, async (c) => {
    const multipart = /^multipart\/form-data/i.test(c.req.header("content-type") ?? "");
    const request = multipart ? await fromForm(c.req.valid("form")) : fromJson(c.req.valid("json"));
    const s = await TelegramSession.importSession(c.var.deps, c.var.principal.tenantId, request);
    const body = {
      sessionId: s.sessionId,
      format: s.format,
      dcId: s.dcId,
      accountId: s.accountId,
      phoneNumber: s.phoneNumber,
    };
    return c.json(body, 201);
  });
}

// --- Internal helpers ---

const KNOWN = new Set([
  "sessionString",
  "file",
  "filename",
  "sidecar",
  "descriptor",
  "apiId",
  "apiHash",
  "phoneNumber",
]);

function fromJson(body: z.infer<typeof ImportJsonSchema>): TelegramSession.ImportRequest {
  const { sessionString, file, filename, sidecar, descriptor, apiId, apiHash, phoneNumber } = body;
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !KNOWN.has(k)));
  return compact({ sessionString, file, filename, sidecar, descriptor, rest, apiId, apiHash, phoneNumber });
}

async function fromForm(form: z.infer<typeof ImportFormSchema>): Promise<TelegramSession.ImportRequest> {
  const { file, sidecar, sessionString, apiId, apiHash, phoneNumber } = form;
  return compact({
    sessionString,
    ...(file instanceof Blob ? { file: new Uint8Array(await file.arrayBuffer()) } : {}),
    ...(file instanceof File ? { filename: file.name } : {}),
    ...(typeof file === "string" ? { sessionString: file } : {}),
    sidecar:
      sidecar instanceof Blob ? await sidecar.text() : typeof sidecar === "string" ? sidecar : undefined,
    apiId,
    apiHash,
    phoneNumber,
  });
}

/** Drops `undefined` fields (`exactOptionalPropertyTypes`-safe). */
function compact<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
