import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import * as ApiKey from "../../core/api-key/index.js";
import { SessionvaultError } from "../../core/error.js";
import type { AdminPrincipal, AppVariables, Principal, TenantPrincipal } from "./env.js";

/**
 * Route-level auth. Put one of these in a route's `middleware` (see `routes/me.ts`); it
 * authenticates the caller (`Authorization: Bearer <key>` or `X-Api-Key: <key>`), sets
 * `c.var.principal`, and types it for the handler. Missing or wrong key -> 401 `unauthorized`;
 * right key, wrong kind or scope -> 403 `forbidden`. They can be stacked: authentication runs once.
 */

type EnvWith<P extends Principal> = { Variables: AppVariables & { principal: P } };

/** Any valid key: a tenant's or the admin's. */
export function requireAuth(): MiddlewareHandler<EnvWith<Principal>> {
  return async function requireAuth(c, next) {
    c.set("principal", await authenticate(c));
    await next();
  };
}

/** A tenant's key; the admin key gets 403 (it owns no tenant data). */
export function requireTenant(): MiddlewareHandler<EnvWith<TenantPrincipal>> {
  return async function requireTenant(c, next) {
    const principal = await authenticate(c);
    if (principal.kind !== "tenant") throw forbidden("this route needs a tenant API key");
    c.set("principal", principal);
    await next();
  };
}

/** The admin key; tenant keys get 403. */
export function requireAdmin(): MiddlewareHandler<EnvWith<AdminPrincipal>> {
  return async function requireAdmin(c, next) {
    const principal = await authenticate(c);
    if (principal.kind !== "admin") throw forbidden("this route needs the admin key");
    c.set("principal", principal);
    await next();
  };
}

/** A tenant's key that carries `scope` (e.g. `export`, for routes that hand out key material). */
export function requireScope(scope: ApiKey.Scope): MiddlewareHandler<EnvWith<TenantPrincipal>> {
  return async function requireScope(c, next) {
    const principal = await authenticate(c);
    if (principal.kind !== "tenant") throw forbidden("this route needs a tenant API key");
    if (!principal.scopes.includes(scope))
      throw forbidden(`this route needs a key with the '${scope}' scope`);
    c.set("principal", principal);
    await next();
  };
}

// --- Internal helpers ---

/** The slice of Hono's `Context` that authentication needs; every `EnvWith<…>` context satisfies it. */
interface AuthContext {
  var: Readonly<AppVariables>;
  req: { header(name: string): string | undefined };
  header(name: string, value: string): void;
}

/** The caller, from `c.var.principal` when an earlier auth middleware already resolved it. */
async function authenticate(c: AuthContext): Promise<Principal> {
  const cached = c.var.principal;
  if (cached) return cached;
  const secret = readCredential(c);
  if (secret === null) {
    throw unauthorized(c, "send an API key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'");
  }
  const { deps } = c.var;
  let principal: Principal;
  if (isAdminKey(secret, deps.config.adminKey)) {
    principal = { kind: "admin" };
  } else {
    const key = await ApiKey.fromSecret(deps, secret);
    if (!key) throw unauthorized(c, "the API key is not valid");
    principal = { kind: "tenant", tenantId: key.tenantId, keyId: key.keyId, scopes: key.scopes };
  }
  return principal;
}

function readCredential(c: AuthContext): string | null {
  const authorization = c.req.header("authorization");
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  const header = c.req.header("x-api-key")?.trim();
  return header ? header : null;
}

/** Constant time: both sides are hashed to 32 bytes first, so neither content nor length leaks. */
function isAdminKey(secret: string, adminKey: string): boolean {
  if (adminKey.length === 0) return false;
  const a = Buffer.from(ApiKey.hashSecret(secret), "hex");
  const b = Buffer.from(ApiKey.hashSecret(adminKey), "hex");
  return timingSafeEqual(a, b);
}

function unauthorized(c: AuthContext, detail: string): SessionvaultError {
  // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
  c.header("WWW-Authenticate", 'Bearer realm="sessionvault"');
  return new SessionvaultError("unauthorized", detail, { status: 401 });
}

function forbidden(detail: string): SessionvaultError {
  return new SessionvaultError("forbidden", detail, { status: 403 });
}
