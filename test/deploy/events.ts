import { SCHEDULER_EVENT } from "../../functions/cleanup/scheduler-event.js";

/** Real-shaped Lambda events (API Gateway HTTP API v2.0 payload; EventBridge Scheduler). */
export function apiGatewayV2Event(
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    /** Sent as JSON. */
    body?: unknown;
    /** Sent as bytes of this content type, base64-encoded the way API Gateway passes binary bodies. */
    binary?: { bytes: Uint8Array; contentType: string };
  } = {},
): Record<string, unknown> {
  const [rawPath, rawQueryString = ""] = path.split("?") as [string, string?];
  const json = options.body === undefined ? undefined : JSON.stringify(options.body);
  const body = options.binary ? Buffer.from(options.binary.bytes).toString("base64") : json;
  const contentType = options.binary?.contentType ?? "application/json";
  const contentLength = options.binary ? options.binary.bytes.byteLength : Buffer.byteLength(json ?? "");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: {
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "user-agent": "curl/8.5.0",
      "x-forwarded-for": "203.0.113.7",
      "x-forwarded-proto": "https",
      ...(body ? { "content-type": contentType, "content-length": String(contentLength) } : {}),
      ...options.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "curl/8.5.0" },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: "$default",
      stage: "$default",
      time: "24/Nov/2026:01:00:00 +0000",
      timeEpoch: 1795482000000,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.binary !== undefined,
  };
}

/** What EventBridge Scheduler delivers for `infra/cron.ts`'s payload: its keywords filled in. */
export function schedulerEvent(): Record<string, string> {
  const values: Record<string, string> = {
    "<aws.scheduler.schedule-arn>":
      "arn:aws:scheduler:us-east-1:123456789012:schedule/default/SessionvaultCleanup",
    "<aws.scheduler.scheduled-time>": "2026-11-24T01:00:00Z",
    "<aws.scheduler.execution-id>": "d32c5kddcf5bb8c3",
    "<aws.scheduler.attempt-number>": "1",
  };
  return Object.fromEntries(
    Object.entries(SCHEDULER_EVENT).map(([field, template]) => [field, values[template] ?? template]),
  );
}
