import type { MiddlewareHandler } from "hono";
import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import type { AppEnv } from "./env.js";

/**
 * Logging. Nothing here logs a request or response body; redaction is the second line of
 * defence for anything that slips into a log object anyway (DESIGN §8: logs never contain
 * creds, keys or session strings).
 */

/** Field names that hold secrets anywhere in the Baileys / GramJS / Sessionvault world. */
export const SECRET_FIELDS: readonly string[] = [
  "apiKey",
  "adminKey",
  "masterKey",
  "secret",
  "token",
  "password",
  "code",
  "phoneCode",
  "phoneCodeHash",
  "sessionString",
  "authKey",
  "creds",
  "keys",
  "privateKey",
  "noiseKey",
  "signedIdentityKey",
];

/** In pino's path syntax: a name with a dash needs bracket notation. */
const SECRET_HEADERS = [".authorization", '["x-api-key"]', ".cookie"];

/** Redacted paths: each secret field at depth 0–2, and secret headers wherever a `headers` object is logged. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  ...SECRET_HEADERS.flatMap((h) => [`headers${h}`, `*.headers${h}`, `*.*.headers${h}`]),
];

/**
 * A pino logger with Sessionvault's redaction. Build the app's logger with this (entry files
 * and tests), never with a bare `pino()`. `destination` defaults to stdout.
 */
export function createLogger(
  options: {
    level?: LoggerOptions["level"];
    destination?: DestinationStream;
    base?: Record<string, unknown>;
  } = {},
): Logger {
  const config: LoggerOptions = {
    level: options.level ?? "info",
    base: options.base ?? { service: "sessionvault-api" },
    redact: { paths: [...REDACT_PATHS], censor: "[redacted]" },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** One line per request: method, path, status, duration, request id and tenant; never headers or bodies. */
export function requestLogger(): MiddlewareHandler<AppEnv> {
  return async function requestLogger(c, next) {
    const started = performance.now();
    await next();
    const principal = c.var.principal;
    c.var.log.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        tenantId: principal?.kind === "tenant" ? principal.tenantId : undefined,
        admin: principal?.kind === "admin" ? true : undefined,
      },
      "request",
    );
  };
}
