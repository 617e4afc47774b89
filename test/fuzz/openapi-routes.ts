import type { Hono } from "hono";

/**
 * The API's routes as its own OpenAPI document lists them (`GET /v1/openapi.json`), so the fuzz
 * and isolation tests cover every documented route and notice a new one the day it is added.
 */

/** One documented operation. `path` is the template as served (`/v1/whatsapp/sessions/{id}`). */
export interface ApiRoute {
  method: string;
  path: string;
  /** `METHOD path`, the key the tests' tables use. */
  key: string;
  pathParams: string[];
  queryParams: { name: string; required: boolean; schema: JsonSchema }[];
  /** Media types of the request body, empty when it takes none. */
  bodyTypes: string[];
  /** The JSON body's schema with `$ref`s resolved one level, when it has one. */
  jsonBody: JsonSchema | null;
  /** True when the operation declares `security` (an API key). */
  secured: boolean;
  /** Documented statuses. */
  statuses: number[];
}

/** The subset of JSON Schema the fuzzers read. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  $ref?: string;
  [other: string]: unknown;
}

/** Every operation of the app's OpenAPI document, in document order. */
export async function listRoutes(app: Pick<Hono, "request">): Promise<ApiRoute[]> {
  const res = await app.request("/v1/openapi.json");
  if (res.status !== 200) throw new Error(`GET /v1/openapi.json -> ${res.status}`);
  const doc = (await res.json()) as OpenApiDoc;
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: JsonSchema | undefined): JsonSchema | null => {
    if (!s) return null;
    if (typeof s.$ref === "string") return schemas[s.$ref.replace("#/components/schemas/", "")] ?? null;
    return s;
  };
  const routes: ApiRoute[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      routes.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        pathParams: params.filter((p) => p.in === "path").map((p) => p.name),
        queryParams: params
          .filter((p) => p.in === "query")
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        bodyTypes: Object.keys(content),
        jsonBody: resolve(content["application/json"]?.schema),
        secured: Array.isArray(op.security) && op.security.length > 0,
        statuses: Object.keys(op.responses ?? {}).map(Number),
      });
    }
  }
  return routes;
}

/** `template` with each `{name}` replaced by `values[name]` exactly as given (no encoding). */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return value;
  });
}

// --- Internal helpers ---

interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; required?: boolean; schema?: JsonSchema }[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        security?: unknown[];
        responses?: Record<string, unknown>;
      }
    >
  >;
  components?: { schemas?: Record<string, JsonSchema> };
}
