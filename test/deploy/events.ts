/** Real-shaped Lambda events (API Gateway HTTP API v2.0 payload; EventBridge Scheduler / rule). */
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

export function scheduledEvent(): Record<string, unknown> {
  return {
    version: "0",
    id: "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: "123456789012",
    time: "2026-11-24T01:00:00Z",
    region: "us-east-1",
    resources: ["arn:aws:events:us-east-1:123456789012:rule/sessionvault-cleanup"],
    detail: {},
  };
}
