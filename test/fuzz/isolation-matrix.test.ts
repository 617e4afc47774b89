import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../core/storage/memory.js";
import { type AppHarness, createAppHarness } from "../helpers/app-harness.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { authKey, gramjsString } from "../telegram/fixtures.js";
import { observe } from "../whatsapp/fixtures.js";
import { listRoutes } from "./openapi-routes.js";
import { createTenantWorld, findLeaks, linkedFolder, type TenantWorld } from "./two-tenants.js";

/**
 * Issue 9: tenant isolation, every documented route x {own key, other tenant's key, no key, revoked
 * key, admin key}. One row per route of `/v1/openapi.json` (the test fails on a route without a row,
 * or a row for a route that no longer exists). Each row runs on a fresh pair of tenants, the failing
 * columns first and the succeeding ones last, so a 2xx by the owner after the others proves their
 * requests changed nothing. Beyond the status:
 * - a 404 for the other tenant's key is the same problem (status and code) as for an id that exists
 *   nowhere, so a response never tells whether another tenant has the id;
 * - no body answered to anyone but the owner carries the owner's ids, keys, phones or webhooks;
 * - every 4xx is problem+json with a `code`.
 */

type Column = "own" | "other" | "none" | "revoked" | "admin";
const COLUMNS: Column[] = ["own", "other", "none", "revoked", "admin"];

interface Fixture {
  h: AppHarness;
  owner: TenantWorld;
  other: TenantWorld;
  peer: TelegramPeer;
}

interface MatrixRequest {
  /** Path (and query) with the owner's ids. */
  path: string;
  body?: unknown;
  /** The owner's ids in `path`: the ghost check swaps them for ids that exist nowhere. */
  ids?: string[];
}

interface Row {
  expect: Record<Column, number>;
  build(f: Fixture): MatrixRequest | Promise<MatrixRequest>;
}

/** A tenant route: the owner gets `own`, another tenant `other` (404: not theirs), the admin key 403. */
const tenant = (own: number, build: Row["build"], other = 404): Row => ({
  expect: { own, other, none: 401, revoked: 401, admin: 403 },
  build,
});
/** An admin route: every tenant key gets 403. */
const admin = (status: number, build: Row["build"]): Row => ({
  expect: { own: 403, other: 403, none: 401, revoked: 401, admin: status },
  build,
});

const wa = (f: Fixture, suffix = "", id = f.owner.waSessions[0]!): MatrixRequest => ({
  path: `/v1/whatsapp/sessions/${id}${suffix}`,
  ids: [id],
});
const tg = (f: Fixture, suffix = "", id = f.owner.tgSessions[0]!): MatrixRequest => ({
  path: `/v1/telegram/sessions/${id}${suffix}`,
  ids: [id],
});

/** A QR login the owner started: its poll/show path. */
const qrLogin = async (f: Fixture): Promise<MatrixRequest> => {
  const { loginId } = (await call(f.h, f.owner.apiKey, "POST", "/v1/telegram/sessions/qr", {})) as {
    loginId: string;
  };
  return { path: `/v1/telegram/sessions/qr/${loginId}`, ids: [loginId] };
};

/** Every route of the OpenAPI document, with what each kind of caller gets. */
const ROWS: Record<string, Row> = {
  "GET /v1/health": {
    expect: { own: 200, other: 200, none: 200, revoked: 200, admin: 200 },
    build: () => ({ path: "/v1/health" }),
  },
  "GET /v1/me": tenant(200, () => ({ path: "/v1/me" }), 200),
  "POST /v1/tenants": admin(201, () => ({ path: "/v1/tenants", body: { name: "matrix" } })),
  "POST /v1/tenants/{id}/keys": admin(201, (f) => ({
    path: `/v1/tenants/${f.owner.tenantId}/keys`,
    body: {},
  })),
  "DELETE /v1/tenants/{id}/keys/{keyId}": admin(204, (f) => ({
    path: `/v1/tenants/${f.owner.tenantId}/keys/${f.owner.spareKeyId}`,
  })),
  // The owner has an imported session for this phone: session_exists, no code sent. The other
  // tenant has none, so it gets a code of its own (200 code_sent), never the owner's session.
  "POST /v1/telegram/sessions/code": tenant(
    200,
    (f) => ({ path: "/v1/telegram/sessions/code", body: { phoneNumber: f.owner.tgAuthKeys[0]!.phone } }),
    200,
  ),
  // The owner's pending login, with the right code: the other tenant cannot complete it.
  "POST /v1/telegram/sessions/verify": tenant(
    201,
    async (f) => {
      const phoneNumber = `+1999${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const sent = (await call(f.h, f.owner.apiKey, "POST", "/v1/telegram/sessions/code", {
        phoneNumber,
      })) as {
        phoneCodeHash: string;
      };
      const code = f.peer.lastCode(phoneNumber)!;
      return {
        path: "/v1/telegram/sessions/verify",
        body: { phoneNumber, phoneCodeHash: sent.phoneCodeHash, code },
      };
    },
    400,
  ),
  // A QR login of its own for anyone; polling or showing the owner's is 404 to the other tenant.
  "POST /v1/telegram/sessions/qr": tenant(201, () => ({ path: "/v1/telegram/sessions/qr", body: {} }), 201),
  "POST /v1/telegram/sessions/qr/{loginId}": tenant(200, async (f) => ({ ...(await qrLogin(f)), body: {} })),
  "GET /v1/telegram/sessions/qr/{loginId}": tenant(200, qrLogin),
  "POST /v1/telegram/sessions/import": tenant(
    201,
    () => {
      // A fresh key each time the body is read (once per column): a key is stored once at most.
      let next = 7_777;
      return {
        path: "/v1/telegram/sessions/import",
        get body() {
          return { sessionString: gramjsString(2, "149.154.167.51", 443, authKey(next++)) };
        },
      };
    },
    201,
  ),
  "GET /v1/telegram/sessions": tenant(200, () => ({ path: "/v1/telegram/sessions" }), 200),
  "GET /v1/telegram/sessions/{id}": tenant(200, (f) => tg(f)),
  "DELETE /v1/telegram/sessions/{id}": tenant(204, (f) => tg(f)),
  "GET /v1/telegram/sessions/{id}/export": tenant(200, (f) => tg(f, "/export")),
  "POST /v1/telegram/sessions/{id}/check": tenant(200, (f) => tg(f, "/check")),
  "POST /v1/telegram/sessions/{id}/lease": tenant(201, (f) => ({
    ...tg(f, "/lease"),
    body: { holder: "matrix" },
  })),
  "DELETE /v1/telegram/sessions/{id}/lease": tenant(204, async (f) => {
    const id = f.owner.tgSessions[0]!;
    const lease = (await call(f.h, f.owner.apiKey, "POST", `/v1/telegram/sessions/${id}/lease`, {})) as {
      leaseId: string;
    };
    return tg(f, `/lease?leaseId=${lease.leaseId}`);
  }),
  "POST /v1/webhooks": tenant(
    201,
    () => ({ path: "/v1/webhooks", body: { url: "https://matrix.example.com/h", events: ["session.qr"] } }),
    201,
  ),
  "GET /v1/webhooks": tenant(200, () => ({ path: "/v1/webhooks" }), 200),
  "DELETE /v1/webhooks/{id}": tenant(204, (f) => ({
    path: `/v1/webhooks/${f.owner.webhookIds[0]}`,
    ids: [f.owner.webhookIds[0]!],
  })),
  "GET /v1/webhooks/{id}/deliveries": tenant(200, (f) => ({
    path: `/v1/webhooks/${f.owner.webhookIds[0]}/deliveries`,
    ids: [f.owner.webhookIds[0]!],
  })),
  // Any key: the admin key cleans up every tenant, a tenant key its own tenant only.
  "POST /v1/sessions/cleanup": {
    expect: { own: 200, other: 200, none: 401, revoked: 401, admin: 200 },
    build: () => ({ path: "/v1/sessions/cleanup" }),
  },
  "GET /v1/sessions/stats": tenant(200, () => ({ path: "/v1/sessions/stats" }), 200),
  "POST /v1/whatsapp/sessions/{id}/verify": tenant(200, (f) => wa(f, "/verify", f.owner.waPaired)),
  // Session ids are per tenant: the other tenant's create with the owner's id makes its own session.
  "POST /v1/whatsapp/sessions": tenant(
    200,
    (f) => ({ path: "/v1/whatsapp/sessions", body: { sessionId: f.owner.waSessions[0] } }),
    201,
  ),
  "GET /v1/whatsapp/sessions": tenant(200, () => ({ path: "/v1/whatsapp/sessions" }), 200),
  "GET /v1/whatsapp/sessions/{id}": tenant(200, (f) => wa(f)),
  "DELETE /v1/whatsapp/sessions/{id}": tenant(204, (f) => wa(f)),
  "GET /v1/whatsapp/sessions/{id}/qr": tenant(200, async (f) => {
    const ref = { tenantId: f.owner.tenantId, sessionId: f.owner.waSessions[0]! };
    await observe(f.h.deps, ref, { status: "qr", qr: "2@matrix,qr", qrExpiresAt: f.h.deps.clock() + 60_000 });
    return wa(f, "/qr");
  }),
  "GET /v1/whatsapp/sessions/{id}/pairing-code": tenant(200, async (f) => {
    const ref = { tenantId: f.owner.tenantId, sessionId: f.owner.waWithPhone };
    await observe(f.h.deps, ref, { status: "pending", pairingCode: "MATRIX12" });
    return wa(f, "/pairing-code", f.owner.waWithPhone);
  }),
  "POST /v1/whatsapp/sessions/{id}/reuse": tenant(200, (f) => wa(f, "/reuse", f.owner.waPaired)),
  "POST /v1/whatsapp/sessions/{id}/disconnect": tenant(200, (f) => wa(f, "/disconnect")),
  // Another tenant's import of the same id creates a session of its own (seed 004's one-call
  // backup), as for any id it does not have; the owner's import after it still answers 200.
  "POST /v1/whatsapp/sessions/{id}/import": tenant(
    200,
    (f) => ({ ...wa(f, "/import"), body: linkedFolder(f.owner.phones[5]!) }),
    201,
  ),
  "GET /v1/whatsapp/sessions/{id}/export": tenant(200, (f) => wa(f, "/export?format=json", f.owner.waPaired)),
  "GET /v1/whatsapp/sessions/{id}/backups": tenant(200, (f) => wa(f, "/backups", f.owner.waPaired)),
  "POST /v1/whatsapp/sessions/{id}/backups/{generation}/restore": tenant(200, async (f) => {
    const id = f.owner.waPaired;
    const listed = (await call(f.h, f.owner.apiKey, "GET", `/v1/whatsapp/sessions/${id}/backups`)) as {
      backups: { generation: number }[];
    };
    return wa(f, `/backups/${listed.backups[0]!.generation}/restore`, id);
  }),
};

describe("tenant isolation matrix: every documented route x {own, other tenant, none, revoked, admin} key", () => {
  let peer: TelegramPeer;
  let routes: string[];
  const seen: Record<string, Record<Column, number>> = {};
  beforeAll(async () => {
    peer = await startTelegramPeer();
    routes = (await listRoutes(createAppHarness().app)).map((r) => r.key);
  });
  afterAll(async () => {
    await peer?.stop();
    const width = Math.max(...Object.keys(seen).map((k) => k.length));
    const lines = Object.entries(seen).map(
      ([key, got]) => `${key.padEnd(width)}  ${COLUMNS.map((c) => `${c} ${got[c]}`).join("  ")}`,
    );
    if (lines.length > 0) console.log(`isolation matrix (status per key):\n${lines.join("\n")}`);
  });

  it("has a row for every route of /v1/openapi.json, and none for a route it no longer lists", () => {
    expect(
      routes.filter((key) => !(key in ROWS)),
      "routes without a row",
    ).toEqual([]);
    expect(
      Object.keys(ROWS).filter((key) => !routes.includes(key)),
      "rows for unknown routes",
    ).toEqual([]);
  });

  it.each(Object.keys(ROWS))(
    "%s",
    async (key) => {
      const row = ROWS[key]!;
      const method = key.split(" ")[0]!;
      const f = await createFixture(peer);
      const req = await row.build(f);
      const got = {} as Record<Column, number>;
      // Failing columns first; the column(s) expected to succeed last, the owner's very last.
      const order = [...COLUMNS].sort((a, b) => rank(row.expect[a], a) - rank(row.expect[b], b));
      for (const column of order) {
        const res = await send(f.h, method, req.path, req.body, keyOf(f, column));
        const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
        got[column] = res.status;
        expect(res.status, `${key} with the ${column} key: ${text.slice(0, 300)}`).toBe(row.expect[column]);
        if (res.status >= 400) expectProblem(res, text, `${key} (${column})`);
        if (column !== "own") {
          const requestText = `${req.path}\n${JSON.stringify(req.body ?? null)}`;
          expect(
            findLeaks(text, requestText, f.owner),
            `${key} (${column}) carries the owner's data`,
          ).toEqual([]);
        }
        if (column === "other" && res.status === 404 && req.ids) {
          // Indistinguishable from an id that exists nowhere.
          let ghostPath = req.path;
          for (const id of req.ids) ghostPath = ghostPath.replaceAll(id, ghostOf(id));
          const ghost = await send(f.h, method, ghostPath, req.body, f.other.apiKey);
          const ghostText = await ghost.text();
          expect(
            [ghost.status, codeOf(ghostText)],
            `${key}: other tenant vs an id that exists nowhere`,
          ).toEqual([404, codeOf(text)]);
        }
      }
      seen[key] = got;
    },
    60_000,
  );
});

// --- Internal helpers ---

async function createFixture(peer: TelegramPeer): Promise<Fixture> {
  const h = createAppHarness(createMemoryStorage(), {
    config: {
      adminKey: `admin_${randomBytes(16).toString("hex")}`,
      telegram: {
        apiId: 12345,
        apiHash: "0123456789abcdef0123456789abcdef",
        dcOverride: peer.env.TELEGRAM_DC_OVERRIDE,
        trustRsaKey: peer.rsaPublicKeyLine,
        connectionRetries: 1,
        timeoutMs: 10_000,
      },
    },
  });
  const owner = await createTenantWorld(h, "owner", 1);
  const other = await createTenantWorld(h, "other", 2);
  for (const w of [owner, other]) for (const { key, phone } of w.tgAuthKeys) peer.registerAuthKey(key, phone);
  return { h, owner, other, peer };
}

function keyOf(f: Fixture, column: Column): string | null {
  switch (column) {
    case "own":
      return f.owner.apiKey;
    case "other":
      return f.other.apiKey;
    case "none":
      return null;
    case "revoked":
      return f.owner.revokedApiKey;
    case "admin":
      return f.h.adminKey;
  }
}

function rank(status: number, column: Column): number {
  return (status < 300 ? 10 : 0) + (column === "own" ? 1 : 0);
}

async function send(
  h: AppHarness,
  method: string,
  path: string,
  body: unknown,
  key: string | null,
): Promise<Response> {
  const headers: Record<string, string> = key === null ? {} : h.headers(key, body !== undefined);
  if (key === null && body !== undefined) headers["content-type"] = "application/json";
  return h.app.request(path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function call(
  h: AppHarness,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await send(h, method, path, body, key);
  if (res.status >= 300) throw new Error(`fixture: ${method} ${path} -> ${res.status} ${await res.text()}`);
  return res.json();
}

function expectProblem(res: Response, text: string, where: string): void {
  expect(res.headers.get("content-type"), where).toMatch(/^application\/problem\+json/);
  expect(codeOf(text), where).toMatch(/^[a-z_.]+$/);
}

function codeOf(text: string): string | null {
  try {
    return (JSON.parse(text) as { code?: string }).code ?? null;
  } catch {
    return null;
  }
}

/** An id of the same shape that no tenant has. */
function ghostOf(id: string): string {
  if (/^tgqr_[0-9a-f]{32}$/.test(id))
    return `${id.slice(0, -6)}${id.endsWith("ffffff") ? "000000" : "ffffff"}`;
  if (/[0-9A-HJKMNP-TV-Z]{26}$/.test(id))
    return `${id.slice(0, -6)}${id.endsWith("ZZZZZZ") ? "000000" : "ZZZZZZ"}`;
  return `${id.slice(0, 50)}-ghost`;
}
