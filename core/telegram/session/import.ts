import { detectAndParse, type SessionInput, TelegramSessionError } from "../codecs/index.js";
import type { TelegramContext, TelegramSession } from "./schema.js";
import { secretFromImport } from "./secret.js";
import { create } from "./session.js";
import { resolveCredentials } from "./telegram-options.js";

/**
 * One import request, in any of the accepted shapes (checked in this order):
 * `sessionString` (GramJS, Telethon or Pyrogram string); `file` (base64 text or raw bytes of a
 * `.session` SQLite file, a string or a JSON file, with `filename` as a hint and an optional opentele
 * `sidecar`); `descriptor` (the seed 002 JSON object); otherwise `rest` (the request body itself
 * taken as a descriptor). `apiId`/`apiHash`/`phoneNumber` fill what the session does not carry.
 */
export interface ImportRequest {
  sessionString?: string;
  file?: string | Uint8Array;
  filename?: string;
  sidecar?: string;
  descriptor?: Record<string, unknown>;
  rest?: Record<string, unknown>;
  apiId?: number;
  apiHash?: string;
  phoneNumber?: string;
}

/**
 * Parses, validates and stores an imported session (see `create`). Every malformed input throws the
 * codec's `TelegramSessionError` (stable `telegram.session.*` code, 4xx) before anything is stored.
 * api_id/api_hash come from the session, else the request, else the config.
 */
export async function importSession(
  ctx: TelegramContext,
  tenantId: string,
  request: ImportRequest,
): Promise<TelegramSession> {
  const { format, session } = await detectAndParse(toSessionInput(request));
  const creds = resolveCredentials(
    { apiId: session.apiId, apiHash: session.apiHash },
    { apiId: request.apiId, apiHash: request.apiHash },
    ctx.config.telegram,
  );
  return create(ctx, {
    tenantId,
    secret: secretFromImport(session, creds),
    format,
    accountId: session.accountId ?? session.userId ?? null,
    phoneNumber: session.phoneNumber ?? request.phoneNumber ?? null,
  });
}

// --- Internal helpers ---

function toSessionInput(request: ImportRequest): SessionInput {
  const sidecar = request.sidecar === undefined ? {} : { sidecar: request.sidecar };
  const filename = request.filename === undefined ? {} : { filename: request.filename };
  if (request.sessionString !== undefined) return { text: request.sessionString, ...sidecar };
  if (request.file !== undefined) {
    const bytes = typeof request.file === "string" ? decodeFileBase64(request.file) : request.file;
    return { bytes, ...filename, ...sidecar };
  }
  const object = request.descriptor ?? request.rest ?? {};
  return { text: JSON.stringify(object), filename: "descriptor.json" };
}

/** Strict: Node's decoder would skip foreign characters and hand the codec silently wrong bytes. */
function decodeFileBase64(text: string): Uint8Array {
  const body = text.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0) {
    throw new TelegramSessionError(
      "telegram.session.bad_base64",
      "file is not standard base64 (A–Z a–z 0–9 + /, padded with '=')",
    );
  }
  return Buffer.from(body, "base64");
}
