import { gzipSync } from "node:zlib";
import { encodeTar } from "../../core/whatsapp/archive/tar.js";
import { type ApiRoute, fillPath, type JsonSchema } from "./openapi-routes.js";
import type { Rng } from "./prng.js";
import type { TenantWorld } from "./two-tenants.js";

/**
 * Malformed requests for the API fuzz test (issue 9), one per call, drawn from a seeded `Rng`:
 * path parameters with traversal, encodings, unicode, huge and wrong-typed values or the other
 * tenant's ids; odd query strings; missing, wrong, revoked or admin credentials; wrong content
 * types; JSON bodies with wrong types, missing and extra fields, duplicate keys (raw text),
 * truncation, bodies over the limit, random bytes, hostile multipart and tar.gz bodies.
 */

export interface FuzzRequest {
  method: string;
  /** Path and query, as given to `app.request`. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The tenant whose key the request carries, if any: its answers may show that tenant's data only. */
  caller: TenantWorld | null;
  /** One line that says what was sent, for failure messages. */
  label: string;
}

export interface GeneratorContext {
  worlds: [TenantWorld, TenantWorld];
  adminKey: string;
  bodyLimitBytes: number;
}

/** One fuzzed request against `route`. */
export function generateRequest(rng: Rng, route: ApiRoute, ctx: GeneratorContext): FuzzRequest {
  const [a, b] = ctx.worlds;
  const auth = pickAuth(rng, ctx);
  const own = auth.caller ?? rng.pick([a, b]);
  const other = own === a ? b : a;

  const values: Record<string, string> = {};
  for (const name of route.pathParams) values[name] = pathValue(rng, route, name, own, other);
  const query = queryString(rng, route);
  const method = rng.chance(0.03)
    ? rng.pick(["PUT", "PATCH", "OPTIONS", "HEAD", "GET", "POST", "DELETE"])
    : route.method;
  const url = `${fillPath(route.path, values)}${query}`;

  const headers: Record<string, string> = { ...auth.headers };
  if (rng.chance(0.1))
    headers.accept = rng.pick(["image/png", "*/*", "text/html", "application/xml", "\xff"]);
  if (rng.chance(0.03)) headers["x-forwarded-for"] = "127.0.0.1, ::1";
  let body: string | Uint8Array | undefined;
  if (method !== "GET" && method !== "HEAD" && (route.bodyTypes.length > 0 || rng.chance(0.3))) {
    const made = makeBody(rng, route, own, other, ctx.bodyLimitBytes);
    body = made.body;
    if (made.contentType !== null) headers["content-type"] = made.contentType;
  }
  const size = body === undefined ? 0 : typeof body === "string" ? body.length : body.byteLength;
  const label = `${method} ${short(url)} [${auth.label}] ct=${headers["content-type"] ?? "-"} body=${size}B`;
  return { method, url, headers, ...(body === undefined ? {} : { body }), caller: auth.caller, label };
}

// --- Internal helpers ---

/** Path segments that are not a plain id: traversal, encodings, unicode, huge, wrong types, injection. */
const NASTY_SEGMENTS: readonly string[] = [
  "..",
  "../",
  "..%2f",
  "..%2F..%2Fv1%2Ftenants",
  "%2e%2e",
  "%2e%2e%2f",
  "%2E%2E%2F%2E%2E%2F",
  "..%5c..%5c",
  "....//",
  ".%2e/",
  "%252e%252e%252f",
  "%c0%ae%c0%ae%c0%af",
  "%00",
  "a%00b",
  "%",
  "%zz",
  "%ff%fe",
  "%E2%80%AE",
  "%F0%9F%98%80",
  encodeURIComponent("セッション"),
  encodeURIComponent("Ω≈ç√"),
  encodeURIComponent("\u202egnp.exe"),
  encodeURIComponent("\ud7ff\ue000"),
  "null",
  "undefined",
  "true",
  "0",
  "-1",
  "1e309",
  "NaN",
  "Infinity",
  "9007199254740993",
  "1.5",
  "0x10",
  "[]",
  "{}",
  "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "'%20OR%20'1'%3D'1",
  "*",
  "t%23x%23y",
  "wa%23state",
  "ten_01J00000000000000000000000",
  "tg_01J00000000000000000000000",
  "tg_0000000000000000000000000a",
  "key_01J00000000000000000000000",
  "wh_01J00000000000000000000000",
  "A".repeat(64),
  "A".repeat(65),
  "a".repeat(5_000),
  "%2e%2e%2f".repeat(300),
  "%F0%9F%92%A9".repeat(400),
];

function pathValue(rng: Rng, route: ApiRoute, name: string, own: TenantWorld, other: TenantWorld): string {
  const kind = idKind(route, name);
  const destructive = route.method === "DELETE";
  const valid = (w: TenantWorld): string[] => {
    switch (kind) {
      case "wa":
        return destructive && w === own ? w.waVictims : w.waSessions;
      case "tg":
        return destructive && w === own ? w.tgVictims : w.tgSessions;
      case "webhook":
        return w.webhookIds;
      case "tenant":
        return [w.tenantId];
      case "key":
        return [w.spareKeyId, w.revokedKeyId];
      case "generation":
        return ["1", "2", "3"];
    }
  };
  const roll = rng.next();
  if (roll < 0.3) return encodeURIComponent(rng.pick(valid(own)));
  if (roll < 0.5) return encodeURIComponent(rng.pick(valid(other)));
  if (roll < 0.6) {
    // The other tenant's id, smuggled: traversal around it, percent-encoded, or with the own id.
    const theirs = rng.pick(valid(other));
    const mine = rng.pick(valid(own));
    return rng.pick([
      `${mine}%2f..%2f${theirs}`,
      `..%2f..%2f${other.tenantId}%2f${theirs}`,
      [...theirs].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join(""),
      `${theirs}%00`,
      `${theirs}%20`,
      `${theirs.toLowerCase()}`,
      `${theirs}/`,
      `./${theirs}`,
    ]);
  }
  if (roll < 0.65) return rng.pick(valid(own)).replace(/.$/, rng.pick(["", "%", "..", "é", "%2f"]));
  return rng.pick(NASTY_SEGMENTS);
}

type IdKind = "wa" | "tg" | "webhook" | "tenant" | "key" | "generation";
function idKind(route: ApiRoute, name: string): IdKind {
  if (name === "keyId") return "key";
  if (name === "generation") return "generation";
  if (route.path.startsWith("/v1/whatsapp/")) return "wa";
  if (route.path.startsWith("/v1/telegram/")) return "tg";
  if (route.path.startsWith("/v1/webhooks/")) return "webhook";
  if (route.path.startsWith("/v1/tenants/")) return "tenant";
  throw new Error(`fuzz: no id kind for {${name}} in ${route.key}; teach request-generator.ts`);
}

const QUERY_VALUES: readonly string[] = [
  "",
  "0",
  "-1",
  "101",
  "1e3",
  "abc",
  "null",
  "%00",
  "%zz",
  "tar",
  "json",
  "gramjs",
  "telethon",
  "pyrogram",
  "TAR",
  "x".repeat(3_000),
  encodeURIComponent("😀"),
  "..%2f..%2f",
  "1",
  "50",
  "100",
];

function queryString(rng: Rng, route: ApiRoute): string {
  const parts: string[] = [];
  for (const q of route.queryParams) {
    if (!q.required && rng.chance(0.4)) continue;
    const n = rng.chance(0.1) ? 2 : 1; // repeated parameter
    for (let i = 0; i < n; i++) parts.push(`${q.name}=${queryValue(rng, q.schema)}`);
  }
  if (rng.chance(0.1))
    parts.push(`${rng.pick(["extra", "tenantId", "__proto__", "a[b]"])}=${rng.pick(QUERY_VALUES)}`);
  if (rng.chance(0.03)) parts.push("&&=&");
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

function queryValue(rng: Rng, schema: JsonSchema): string {
  if (Array.isArray(schema.enum) && rng.chance(0.5)) return String(rng.pick(schema.enum));
  return rng.pick(QUERY_VALUES);
}

interface Auth {
  headers: Record<string, string>;
  caller: TenantWorld | null;
  label: string;
}

function pickAuth(rng: Rng, ctx: GeneratorContext): Auth {
  const [a, b] = ctx.worlds;
  const roll = rng.next();
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  if (roll < 0.36) return { headers: bearer(a.apiKey), caller: a, label: a.label };
  if (roll < 0.72) {
    const headers = rng.chance(0.3) ? { "x-api-key": b.apiKey } : bearer(b.apiKey);
    return { headers, caller: b, label: b.label };
  }
  if (roll < 0.8) return { headers: bearer(ctx.adminKey), caller: null, label: "admin" };
  if (roll < 0.85) return { headers: {}, caller: null, label: "none" };
  if (roll < 0.9) return { headers: bearer(rng.pick([a, b]).revokedApiKey), caller: null, label: "revoked" };
  if (roll < 0.93) {
    // Both headers, naming different tenants: the Authorization header wins, and must be the only one used.
    return { headers: { ...bearer(a.apiKey), "x-api-key": b.apiKey }, caller: a, label: "both-headers" };
  }
  const garbage = rng.pick([
    "Bearer",
    "Bearer ",
    `Bearer ${a.apiKey} ${b.apiKey}`,
    `Basic ${Buffer.from("admin:admin").toString("base64")}`,
    `Bearer ${a.apiKey.slice(0, -1)}`,
    `Bearer ${a.apiKey}x`,
    `bearer\t${"k".repeat(8_000)}`,
    "Bearer \xff\xfe\xe9",
    `Bearer ${ctx.adminKey.toUpperCase()}`,
    "Bearer sv_",
    "Bearer null",
  ]);
  return { headers: { authorization: garbage }, caller: null, label: "garbage" };
}

interface Body {
  body: string | Uint8Array;
  contentType: string | null;
}

const CONTENT_TYPES: readonly (string | null)[] = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/vnd.api+json",
  "application/json; charset=utf-16",
  "text/plain",
  "text/json",
  "multipart/form-data",
  "multipart/form-data; boundary=zzz",
  "application/x-www-form-urlencoded",
  "application/gzip",
  "application/x-gzip",
  "application/x-tar",
  "application/octet-stream",
  "image/png",
  "",
  "*/*",
  "json",
  null,
];

function makeBody(rng: Rng, route: ApiRoute, own: TenantWorld, other: TenantWorld, limit: number): Body {
  const declared = route.bodyTypes.length > 0 ? rng.pick(route.bodyTypes) : "application/json";
  const ct = (): string | null => (rng.chance(0.7) ? declared : rng.pick(CONTENT_TYPES));
  const template = validBody(route, own, other, rng);
  const roll = rng.next();
  if (roll < 0.03) return { body: "x".repeat(limit + 1 + rng.int(4_096)), contentType: ct() };
  if (roll < 0.05) {
    // Over the limit, but well-formed JSON: only the size is wrong.
    return { body: JSON.stringify({ ...template, pad: "p".repeat(limit) }), contentType: "application/json" };
  }
  if (declared.startsWith("multipart/") && roll < 0.4) return multipartBody(rng, own, other);
  if (/gzip|tar/.test(declared) && roll < 0.4)
    return { body: archiveBody(rng, other), contentType: declared };
  if (roll < 0.15) return { body: JSON.stringify(template), contentType: ct() };
  if (roll < 0.45) return { body: JSON.stringify(mutate(rng, template, route.jsonBody)), contentType: ct() };
  if (roll < 0.55) return { body: duplicateKeys(rng, template), contentType: ct() };
  if (roll < 0.65) return { body: rawJsonOddity(rng, template), contentType: ct() };
  if (roll < 0.75) return { body: rng.bytes(rng.int(2_048)), contentType: ct() };
  if (roll < 0.85) return { body: JSON.stringify(rng.pick(NASTY_VALUES)), contentType: ct() };
  if (roll < 0.9) return { body: "", contentType: ct() };
  return { body: JSON.stringify(template), contentType: rng.pick(CONTENT_TYPES) };
}

/** A body the route accepts (as far as a fixture can), to mutate from. */
function validBody(route: ApiRoute, own: TenantWorld, other: TenantWorld, rng: Rng): Record<string, unknown> {
  const phone = `+${rng.pick([...own.phones, ...other.phones, "15550009999"])}`;
  switch (route.key) {
    case "POST /v1/tenants":
      return { name: "fuzz tenant" };
    case "POST /v1/tenants/{id}/keys":
      return { scopes: ["export"] };
    case "POST /v1/telegram/sessions/code":
      return { phoneNumber: phone };
    case "POST /v1/telegram/sessions/verify":
      return { phoneNumber: phone, phoneCodeHash: "0123456789abcdef", code: "12345" };
    case "POST /v1/telegram/sessions/import":
      return { sessionString: rng.pick(["1AgAOMTQ5LjE1NC4xNjcuNTEBuw==", "1", "not a session"]) };
    case "POST /v1/telegram/sessions/{id}/lease":
      return { holder: "fuzz", ttlSeconds: 1 + rng.int(60) };
    case "POST /v1/webhooks":
      return { url: "https://fuzz.example.com/hook", events: ["session.connected"] };
    case "POST /v1/whatsapp/sessions":
      return rng.chance(0.5)
        ? { sessionId: rng.pick([...other.waSessions, `fz-${rng.int(1e6)}`]) }
        : { phoneNumber: phone };
    case "POST /v1/whatsapp/sessions/{id}/import":
      return { "creds.json": "{}", "pre-key-1.json": '{"public":"x"}' };
    default:
      return fromSchema(route.jsonBody);
  }
}

/** A plain object with a placeholder per documented property (routes without a template above). */
function fromSchema(schema: JsonSchema | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
    out[name] = Array.isArray(prop.enum)
      ? prop.enum[0]
      : type === "number" || type === "integer"
        ? 1
        : type === "boolean"
          ? true
          : type === "array"
            ? []
            : type === "object"
              ? {}
              : "x";
  }
  return out;
}

const NASTY_VALUES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 53 + 1,
  Number.MAX_VALUE,
  "",
  " ",
  "\u0000",
  "\ud800",
  "\u202e",
  "😀".repeat(500),
  "a".repeat(20_000),
  "../../../etc/passwd",
  "%2e%2e%2f",
  "<script>alert(1)</script>",
  "'; DROP TABLE sessions;--",
  [],
  [1, "2", null],
  {},
  { $ne: null },
  { __proto__: { admin: true } },
  Array.from({ length: 1_000 }, (_, i) => i),
  JSON.parse(`${"[".repeat(2_000)}${"]".repeat(2_000)}`),
];

function mutate(rng: Rng, template: Record<string, unknown>, schema: JsonSchema | null): unknown {
  const out: Record<string, unknown> = { ...template };
  const fields = [...new Set([...Object.keys(out), ...Object.keys(schema?.properties ?? {})])];
  const roll = rng.next();
  if (roll < 0.5 && fields.length > 0) out[rng.pick(fields)] = rng.pick(NASTY_VALUES);
  else if (roll < 0.7 && fields.length > 0) delete out[rng.pick(fields)];
  else if (roll < 0.85)
    out[rng.pick(["tenantId", "admin", "sessionId", "constructor", "__proto__", "scopes", "extra"])] =
      rng.pick(NASTY_VALUES);
  else return rng.pick([[template], { data: template }, JSON.stringify(template)]);
  return out;
}

/** The template's JSON with one key repeated (first with a nasty value, then the real one, or the reverse). */
function duplicateKeys(rng: Rng, template: Record<string, unknown>): string {
  const entries = Object.entries(template);
  const [key] = entries.length > 0 ? rng.pick(entries) : ["sessionId"];
  const nasty = JSON.stringify(rng.pick(NASTY_VALUES));
  const dup = `${JSON.stringify(key)}:${nasty}`;
  const real = JSON.stringify(template).slice(1, -1);
  const inner = rng.chance(0.5) ? [dup, real] : [real, dup];
  return `{${inner.filter((s) => s.length > 0).join(",")}}`;
}

function rawJsonOddity(rng: Rng, template: Record<string, unknown>): string {
  const text = JSON.stringify(template);
  return rng.pick([
    text.slice(0, Math.max(1, rng.int(text.length))),
    `${text}xyz`,
    `\ufeff${text}`,
    `${text}${text}`,
    `/* c */${text}`,
    text.replace(/"/g, "'"),
    `{"__proto__":{"admin":true},${text.slice(1)}`,
    `{"constructor":{"prototype":{"polluted":1}},${text.slice(1)}`,
    `${"[".repeat(50_000)}`,
    "NaN",
    "1e99999",
    '"\\ud800"',
    '{"a":"\\u0000"}',
    "{".repeat(3_000),
  ]);
}

function multipartBody(rng: Rng, own: TenantWorld, other: TenantWorld): Body {
  const boundary = `----fuzz${rng.int(1e9)}`;
  const part = (name: string, value: string | Buffer, filename?: string): Buffer =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ""}\r\n` +
          `${filename ? "Content-Type: application/octet-stream\r\n" : ""}\r\n`,
      ),
      typeof value === "string" ? Buffer.from(value) : value,
      Buffer.from("\r\n"),
    ]);
  const parts: Buffer[] = [];
  const n = 1 + rng.int(3);
  for (let i = 0; i < n; i++) {
    const name = rng.pick(["file", "sidecar", "sessionString", "apiId", "phoneNumber", "file", "x"]);
    const value = rng.chance(0.5) ? rng.bytes(rng.int(600)) : String(rng.pick(NASTY_VALUES));
    const filename = rng.pick([
      undefined,
      "a.session",
      "../../etc/passwd",
      `${other.tenantId}.session`,
      "é.json",
    ]);
    parts.push(part(name, value, filename));
  }
  if (rng.chance(0.1)) parts.push(part("phoneNumber", `+${own.phones[0]}`));
  const end = rng.chance(0.85) ? `--${boundary}--\r\n` : `--${boundary}`;
  const ct = rng.chance(0.85)
    ? `multipart/form-data; boundary=${boundary}`
    : "multipart/form-data; boundary=wrong";
  return { body: Buffer.concat([...parts, Buffer.from(end)]), contentType: ct };
}

function archiveBody(rng: Rng, other: TenantWorld): Uint8Array {
  const roll = rng.next();
  const file = (path: string, text = "{}") => ({ path, data: Buffer.from(text) });
  if (roll < 0.25) return rng.bytes(rng.int(4_096));
  if (roll < 0.4) return gzipSync(rng.bytes(rng.int(4_096)));
  const entries = rng.pick([
    [file("../../creds.json")],
    [file(`/t/${other.tenantId}/creds.json`)],
    [file("creds.json", "not json")],
    [file("creds.json"), file("creds.json")],
    [{ path: "creds.json", type: "SymbolicLink" as const, linkpath: "/etc/passwd" }],
    [file("a/creds.json"), file("b/pre-key-1.json")],
    [file("pre-key-1.json", '{"public":1}')],
    [file(`session-${"x".repeat(200)}.json`)],
  ]);
  const tar = encodeTar(entries);
  if (rng.chance(0.2)) return tar.subarray(0, rng.int(tar.length));
  return rng.chance(0.8) ? gzipSync(tar) : tar;
}

function short(url: string): string {
  return url.length > 160 ? `${url.slice(0, 150)}…(${url.length} chars)` : url;
}
