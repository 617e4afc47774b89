import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as TelegramSession from "../../core/telegram/session/index.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import { createFixture, type Fixture, HOUR, T0, telegramSession, whatsappSession } from "./fixtures.js";

/** Issue 8 item 2: `GET /v1/sessions/stats` on a known fixture, on both adapters. */
describe.each(ADAPTERS)("session stats on %s", (adapter) => {
  let ts: TestStorage;
  let f: Fixture;
  beforeEach(async () => {
    ts = await createTestStorage(adapter);
    f = createFixture(ts.storage);
  }, 60_000);
  afterEach(() => ts.dispose());

  const bytesUnder = async (prefix: string): Promise<number> => {
    let total = 0;
    let cursor: string | null = null;
    do {
      const page = await ts.storage.blobs.list(prefix, { cursor });
      total += page.items.reduce((n, b) => n + b.size, 0);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return total;
  };

  it("counts total/active/expired by platform and status, and the tenant's stored bytes", async () => {
    const tenant = await f.createTenant();
    const other = await f.createTenant();
    await whatsappSession(f, tenant.tenantId, "c1", { leaseMs: 48 * HOUR, paired: true, generations: 2 });
    await whatsappSession(f, tenant.tenantId, "x1"); // unpaired: expires at T0 + 24 h
    f.setNow(T0 + 20 * HOUR);
    await Session.create(f.deps, { tenantId: tenant.tenantId, sessionId: "p1" });
    await telegramSession(f, tenant.tenantId);
    const dead = await telegramSession(f, tenant.tenantId);
    await TelegramSession.markDead({ ...f.deps, config: {} }, dead, "AUTH_KEY_UNREGISTERED");
    await whatsappSession(f, other.tenantId, "theirs", { generations: 3 });
    await telegramSession(f, other.tenantId);
    f.setNow(T0 + 25 * HOUR);

    const res = await f.app.request("/v1/sessions/stats", { headers: f.headers(tenant.apiKey) });
    expect(res.status).toBe(200);
    const bytesStored = await bytesUnder(`t/${tenant.tenantId}/`);
    expect(bytesStored).toBeGreaterThan(0);
    expect(await res.json()).toEqual({
      total: 5,
      active: 2,
      expired: 1,
      byPlatform: { whatsapp: 3, telegram: 2 },
      byStatus: {
        whatsapp: {
          pending: 2,
          qr: 0,
          connecting: 0,
          connected: 1,
          disconnected: 0,
          logged_out: 0,
          conflict: 0,
          failed: 0,
          degraded: 0,
        },
        telegram: { active: 1, dead: 1 },
      },
      bytesStored,
    });
    expect(await bytesUnder(`t/${other.tenantId}/`)).toBeGreaterThan(0); // there, and not counted
    expect((await f.app.request("/v1/sessions/stats", { headers: f.headers(f.adminKey) })).status).toBe(403);
    expect((await f.app.request("/v1/sessions/stats")).status).toBe(401);
  }, 120_000);
});
