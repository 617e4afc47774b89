/** A minimal client for the Sessionvault HTTP API, as the CLI uses it. */
export interface ApiClient {
  request(method: string, path: string, body?: RequestInit["body"], contentType?: string): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** An API answer that was not 2xx, with the problem+json `code` when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function createApiClient(baseUrl: string, apiKey: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, "");
  async function request(
    method: string,
    path: string,
    body?: RequestInit["body"],
    contentType?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
    if (contentType) headers["content-type"] = contentType;
    const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    if (!res.ok) throw await toError(res);
    return res;
  }
  return {
    request,
    async json<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await request(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        "application/json",
      );
      return (res.status === 204 ? null : await res.json()) as T;
    },
  };
}

// --- Internal helpers ---

async function toError(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const problem = JSON.parse(text) as { code?: string; detail?: string; title?: string };
    return new ApiError(
      res.status,
      problem.code ?? `http_${res.status}`,
      problem.detail ?? problem.title ?? text,
    );
  } catch {
    return new ApiError(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText);
  }
}
