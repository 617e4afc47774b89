import type { Hook } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { SessionvaultError } from "../../core/error.js";
import type { AppEnv } from "./env.js";

/**
 * RFC 9457 problem details. The app's `onError` is the only place that turns an error into an
 * HTTP status: routes and middleware throw (`SessionvaultError` for anything the caller can act on).
 */

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:sessionvault:problem:unauthorized" }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: "Stable, machine-readable error code." }),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

/** OpenAPI `responses` entries for the given error statuses, all `application/problem+json`. */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponseConfig> {
  const entries = statuses.map((s) => [
    s,
    { description: titleOf(s), content: { [PROBLEM]: { schema: ProblemSchema } } },
  ]);
  return Object.fromEntries(entries);
}
type ProblemResponseConfig = {
  description: string;
  content: { [PROBLEM]: { schema: typeof ProblemSchema } };
};

/** zod-openapi `defaultHook`: a failed validation becomes `validation_failed` (422 for bodies, 400 otherwise). */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (result.success) return;
  const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const status = result.target === "json" ? 422 : 400;
  throw new SessionvaultError("validation_failed", `the request ${result.target} is invalid`, {
    status,
    details: { errors },
  });
};

/** `onError`: maps every error to problem+json; 5xx are logged with the request id, and unknown ones leak nothing. */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return function handleError(err, c) {
    const problem = toProblem(err, c);
    if (problem.status >= 500) {
      (c.var.log ?? logger).error(
        { err, requestId: problem.requestId, errorCode: problem.code },
        "request failed",
      );
    }
    return sendProblem(c, problem);
  };
}

/** `notFound`: unknown routes are a 404 `not_found` problem like any other. */
export const handleNotFound: NotFoundHandler<AppEnv> = (c) =>
  sendProblem(c, build(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`));

// --- Internal helpers ---

const PROBLEM = "application/problem+json" as const;

function toProblem(err: unknown, c: Context<AppEnv>): Problem {
  if (err instanceof SessionvaultError) {
    return { ...err.details, ...build(c, err.status, err.code, err.message) };
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx (body validator, media-type gate) carry safe, fixed messages.
    const invalidJson = err.status === 400 && /malformed json/i.test(err.message);
    const code = invalidJson ? "invalid_json" : (STATUS_CODES[err.status] ?? "bad_request");
    return build(c, err.status, code, err.message || titleOf(err.status));
  }
  return build(c, 500, "internal", "An unexpected error occurred. Quote the requestId when reporting it.");
}

function build(c: Context<AppEnv>, status: number, code: string, detail: string): Problem {
  return {
    type: `urn:sessionvault:problem:${code}`,
    title: titleOf(status),
    status,
    code,
    detail,
    instance: c.req.path,
    requestId: c.var.requestId ?? "unknown",
  };
}

function sendProblem(c: Context<AppEnv>, problem: Problem): Response {
  return c.json(problem, problem.status as ContentfulStatusCode, { "Content-Type": PROBLEM });
}

function titleOf(status: number): string {
  return TITLES[status] ?? (status >= 500 ? "Internal Server Error" : "Bad Request");
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const STATUS_CODES: Record<number, string> = {
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};
