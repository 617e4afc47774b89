import { TelegramSessionError } from "./errors.js";
import type { TelegramSessionData } from "./session.js";

/**
 * What a JSON session file contributes: an embedded session string and/or the name of
 * a companion `.session` file, plus metadata the session formats cannot carry.
 */
export interface JsonSessionSource {
  sessionString?: string;
  sessionFile?: string;
  metadata: Partial<TelegramSessionData>;
}

/** Parses JSON text into a plain object; `bad_json` for invalid JSON, `unknown_json_shape` for non-objects. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // No `cause`: V8's SyntaxError quotes the input, which may hold a session string.
    throw new TelegramSessionError("telegram.session.bad_json", "input is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TelegramSessionError(
      "telegram.session.unknown_json_shape",
      `JSON session files are objects, got ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Ids arrive as JSON numbers or numeric strings. Numbers must be safe integers
 * (a larger one was already rounded by `JSON.parse`); anything else is `bad_field`.
 */
export function readDecimal(value: unknown, field: string, format: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && /^\d+$/.test(value.trim())) return value.trim();
  throw badField(field, "an integer or a numeric string", format);
}

/** Optional string field; `null` and `""` count as absent. */
export function readOptionalString(value: unknown, field: string, format: string): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw badField(field, "a string", format);
  return value.trim();
}

/** Phone numbers appear as strings or (in sidecars) bare JSON numbers. */
export function readPhone(value: unknown, field: string, format: string): string | undefined {
  if (typeof value === "number") return readDecimal(value, field, format);
  return readOptionalString(value, field, format);
}

/** Drops undefined entries so metadata merges only what the file really holds. */
export function definedOnly(metadata: Partial<TelegramSessionData>): Partial<TelegramSessionData> {
  return Object.fromEntries(Object.entries(metadata).filter(([, v]) => v !== undefined));
}

// --- Internal helpers ---

function badField(field: string, expected: string, format: string): TelegramSessionError {
  return new TelegramSessionError("telegram.session.bad_field", `${field} must be ${expected}`, format);
}
