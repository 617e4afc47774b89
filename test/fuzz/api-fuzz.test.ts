import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { randomBytes } from "node:crypto";
import { gunzipSync, constants as zlibConstants } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../core/storage/memory.js";
import type { Storage } from "../../core/storage/types.js";
import { type AppHarness, createAppHarness } from "../helpers/app-harness.js";
import { createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { startTelegramPeer, type TelegramPeer } from "../peers/telegram/index.js";
import { type ApiRoute, listRoutes } from "./openapi-routes.js";
import { createRng, deriveSeed } from "./prng.js";
import { type FuzzRequest, generateRequest } from "./request-generator.js";
import { createTenantWorld, findLeaks, type TenantWorld, tokens } from "./two-tenants.js";

/**
 * Issue 9: seeded, reproducible fuzzing of every route in the OpenAPI document with two tenants that
 * own WhatsApp and Telegram sessions. No answer may be a 5xx, every 4xx is problem+json with a
 * `code`, and no answer carries the other tenant's ids, keys, session ids, phone numbers or
 * webhooks (unless the request itself named them). The Telegram routes talk to the local DC peer,
 * which knows the imported sessions' auth keys, so `check` and `code` get real answers.
 *
 * Replay: `FUZZ_SEED=<printed seed> npx vitest run test/fuzz/api-fuzz.test.ts`; `FUZZ_REQUESTS`
 * changes the count on the memory adapter (default 10,000; the local slice is a tenth of it).
 * The body limit is lowered to 64 KiB so over-limit bodies stay cheap to generate.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 0x5e55_1009) >>> 0;
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const BODY_LIMIT = 64 * 1024;
const API_ID = 12345;
const API_HASH = "0123456789abcdef0123456789abcdef";

describe("API fuzz: malformed requests across every documented route, two tenants", () => {
  let peer: TelegramPeer;
  const local: TestStorage[] = [];
  beforeAll(async () => {
    peer = await startTelegramPeer();
    console.log(`api fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  });
  afterAll(async () => {
    await peer?.stop();
    await Promise.all(local.map((s) => s.dispose()));
  });

  it.each([
    ["memory", REQUESTS],
    ["local", Math.max(1_000, Math.round(REQUESTS / 10))],
  ] as const)(
    "%s adapter: %i requests, no 5xx, problem+json 4xx, no cross-tenant data",
    async (adapter, count) => {
      let storage: Storage;
      if (adapter === "memory") storage = createMemoryStorage();
      else {
        const s = await createTestStorage("local");
        local.push(s);
        storage = s.storage;
      }
      // A clock the loop moves by one second per request: lease and login expiries, and so every
      // status, are the same on every run of a seed, however slow the machine.
      let now = Date.UTC(2026, 0, 1);
      const h = createAppHarness(storage, {
        clock: () => now,
        config: {
          adminKey: `admin_${randomBytes(16).toString("hex")}`,
          bodyLimitBytes: BODY_LIMIT,
          telegram: {
            apiId: API_ID,
            apiHash: API_HASH,
            dcOverride: peer.env.TELEGRAM_DC_OVERRIDE,
            trustRsaKey: peer.rsaPublicKeyLine,
            connectionRetries: 1,
            timeoutMs: 10_000,
          },
        },
      });
      const worlds: [TenantWorld, TenantWorld] = [
        await createTenantWorld(h, "alpha", 1),
        await createTenantWorld(h, "bravo", 2),
      ];
      for (const w of worlds) for (const { key, phone } of w.tgAuthKeys) peer.registerAuthKey(key, phone);
      const routes = await listRoutes(h.app);
      expect(routes.length).toBeGreaterThan(30);

      const cpu = process.cpuUsage();
      const started = performance.now();
      const result = await fuzz(h, routes, worlds, count, () => {
        now += 1_000;
      });
      const used = process.cpuUsage(cpu);
      console.log(
        `api fuzz (${adapter}): ${count} requests over ${routes.length} routes in ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s wall, ` +
          `${((used.user + used.system) / 1e6).toFixed(1)} s CPU; statuses ${JSON.stringify(result.statuses)}`,
      );

      if (process.env.FUZZ_VERBOSE)
        for (const [key, statuses] of result.byRoute) console.log(`  ${key}: ${JSON.stringify(statuses)}`);
      expect(result.serverErrors, "responses with a 5xx status").toEqual([]);
      expect(result.badProblems, "4xx responses that are not problem+json with a code").toEqual([]);
      expect(result.leaks, "responses carrying the other tenant's data").toEqual([]);
      // Every documented route was hit often, and the fuzz got past authentication into the handlers.
      for (const route of routes)
        expect(result.perRoute.get(route.key) ?? 0).toBeGreaterThan(count / routes.length / 2);
      expect(result.statuses["200"] ?? 0).toBeGreaterThan(count / 50);
      expect((result.statuses["400"] ?? 0) + (result.statuses["422"] ?? 0)).toBeGreaterThan(count / 10);
      expect(result.statuses["404"] ?? 0).toBeGreaterThan(count / 20);
      expect(result.statuses["413"] ?? 0).toBeGreaterThan(0);
    },
    600_000,
  );
});

// --- Internal helpers ---

interface FuzzResult {
  statuses: Record<string, number>;
  perRoute: Map<string, number>;
  /** `METHOD path` -> status -> count (printed with FUZZ_VERBOSE=1). */
  byRoute: Map<string, Record<string, number>>;
  serverErrors: string[];
  badProblems: string[];
  leaks: string[];
}

async function fuzz(
  h: AppHarness,
  routes: ApiRoute[],
  worlds: [TenantWorld, TenantWorld],
  count: number,
  tick: () => void,
): Promise<FuzzResult> {
  const out: FuzzResult = {
    statuses: {},
    perRoute: new Map(),
    byRoute: new Map(),
    serverErrors: [],
    badProblems: [],
    leaks: [],
  };
  const ctx = { worlds, adminKey: h.adminKey, bodyLimitBytes: BODY_LIMIT };
  const claims = new Map<TenantWorld, Set<string>>();
  for (let i = 0; i < count; i++) {
    tick();
    const rng = createRng(deriveSeed(SEED, i));
    const route = routes[i % routes.length]!;
    const req = generateRequest(rng, route, ctx);
    out.perRoute.set(route.key, (out.perRoute.get(route.key) ?? 0) + 1);
    const res = await send(h, req);
    const body = Buffer.from(await res.arrayBuffer()).toString("latin1");
    out.statuses[res.status] = (out.statuses[res.status] ?? 0) + 1;
    const mine = out.byRoute.get(route.key) ?? {};
    mine[res.status] = (mine[res.status] ?? 0) + 1;
    out.byRoute.set(route.key, mine);
    const where = `#${i} ${req.label} -> ${res.status}`;
    if (res.status >= 500) out.serverErrors.push(`${where} ${body.slice(0, 300)}`);
    if (res.status >= 400 && res.status < 500 && req.method !== "HEAD") {
      const problem = parseProblem(res.headers.get("content-type"), body);
      if (problem !== null) out.badProblems.push(`${where}: ${problem}`);
    }
    const requestText = requestTextOf(req);
    const claimed = req.caller ? (claims.get(req.caller) ?? new Set<string>()) : new Set<string>();
    const others = req.caller === null ? worlds : worlds.filter((w) => w !== req.caller);
    for (const other of others) {
      const leaked = findLeaks(body, requestText, other).filter((t) => !claimed.has(t));
      if (leaked.length > 0) out.leaks.push(`${where} carries ${other.label}'s ${leaked.join(", ")}`);
      // A tenant may name its own session after another tenant's (ids are per tenant): once a POST
      // carrying the name succeeded, the name is the caller's own data too.
      if (req.caller && req.method === "POST" && res.status < 300)
        for (const t of tokens(other)) if (requestText.includes(t)) claimed.add(t);
    }
    if (req.caller) claims.set(req.caller, claimed);
  }
  return out;
}

async function send(h: AppHarness, req: FuzzRequest): Promise<Response> {
  return h.app.request(req.url, {
    method: req.method,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
  });
}

/** Null when `body` is a problem document with a code; else what is wrong with it. */
function parseProblem(contentType: string | null, body: string): string | null {
  if (!/^application\/problem\+json\b/i.test(contentType ?? "")) return `content-type ${contentType}`;
  try {
    const parsed = JSON.parse(body) as { code?: unknown; status?: unknown };
    if (typeof parsed.code !== "string" || parsed.code.length === 0)
      return `no code in ${body.slice(0, 200)}`;
    return null;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

/** Everything the caller sent, decoded the ways the server may decode it (percent-decoding, latin1). */
function requestTextOf(req: FuzzRequest): string {
  const body =
    req.body === undefined
      ? ""
      : typeof req.body === "string"
        ? req.body
        : Buffer.from(req.body).toString("latin1");
  // A gzip body is the caller's words too once the server unpacks it (an archive entry's path it echoes).
  const unpacked =
    req.body !== undefined && typeof req.body !== "string" ? gunzipLoosely(Buffer.from(req.body)) : "";
  let decoded = req.url;
  try {
    decoded = decodeURIComponent(req.url);
  } catch {
    decoded = req.url.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
  return [req.url, decoded, decoded.toLowerCase(), JSON.stringify(req.headers), body, unpacked].join("\n");
}

/** What a gzip stream holds, as far as it goes (truncated bodies too); "" for anything else. */
function gunzipLoosely(bytes: Buffer): string {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return "";
  try {
    return gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString("latin1");
  } catch {
    return "";
  }
}
