import { StringSession } from "telegram/sessions/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as TelegramSession from "../../core/telegram/session/index.js";
import { closedPort } from "../helpers/closed-port.js";
import { ADAPTERS, createTestStorage, type TestStorage } from "../helpers/test-storage.js";
import {
  authKey,
  descriptor,
  gramjsString,
  pyrogramSqlite,
  pyrogramString,
  telethonSqlite,
  telethonString,
} from "./fixtures.js";
import { API_HASH, API_ID, createTelegramHarness, type TelegramHarness } from "./harness.js";

/** Telegram session routes on every storage adapter: import/export, CRUD, isolation, leases. */
describe.each(ADAPTERS)("Telegram session routes (%s)", (adapter) => {
  let store: TestStorage;
  let h: TelegramHarness;
  let key: string; // tenant key with the export scope
  let plainKey: string; // same tenant, no export scope
  let otherKey: string; // another tenant
  beforeAll(async () => {
    store = await createTestStorage(adapter);
    // A port nobody listens on: check must fail as "unreachable", never "dead".
    h = createTelegramHarness(store.storage, {
      dcOverride: `127.0.0.1:${await closedPort()}`,
      connectionRetries: 1,
      timeoutMs: 3000,
    });
    const t = await h.tenant(["export"]);
    key = t.apiKey;
    otherKey = (await h.tenant()).apiKey;
    const res = await h.app.request(`/v1/tenants/${t.tenantId}/keys`, {
      method: "POST",
      headers: h.headers(h.adminKey, true),
      body: "{}",
    });
    plainKey = ((await res.json()) as { apiKey: string }).apiKey;
  });
  afterAll(async () => {
    await store.dispose();
  });

  async function importJson(body: unknown): Promise<{ sessionId: string; format: string; dcId: number }> {
    const res = await h.call(key, "POST", "/v1/telegram/sessions/import", body);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { sessionId: string; format: string; dcId: number };
  }

  async function exported(sessionId: string, format: string): Promise<string> {
    const res = await h.call(key, "GET", `/v1/telegram/sessions/${sessionId}/export?format=${format}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { sessionString: string }).sessionString;
  }

  it("imports every format and exports it back byte for byte; GramJS reads the export", async () => {
    const k = authKey(1);
    const cases: [string, unknown, string, string][] = [
      [
        "gramjs",
        { sessionString: gramjsString(2, "149.154.167.51", 443, k) },
        "gramjs",
        gramjsString(2, "149.154.167.51", 443, k),
      ],
      [
        "telethon",
        { sessionString: telethonString(4, [149, 154, 167, 91], 443, k) },
        "telethon",
        telethonString(4, [149, 154, 167, 91], 443, k),
      ],
      [
        "telethon",
        {
          sessionString: telethonString(
            2,
            [0x20, 1, 0x06, 0x7c, 0x04, 0xe8, 0xf0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x0a],
            443,
            k,
          ),
        },
        "telethon",
        telethonString(2, [0x20, 1, 0x06, 0x7c, 0x04, 0xe8, 0xf0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0x0a], 443, k),
      ],
      [
        "pyrogram",
        { sessionString: pyrogramString(5, 777, k, 123456789012n) },
        "pyrogram",
        pyrogramString(5, 777, k, 123456789012n),
      ],
      [
        "telethon-sqlite",
        {
          file: Buffer.from(await telethonSqlite(1, "149.154.175.53", 443, k)).toString("base64"),
          filename: "a.session",
        },
        "telethon",
        telethonString(1, [149, 154, 175, 53], 443, k),
      ],
      [
        "pyrogram-sqlite",
        { file: Buffer.from(await pyrogramSqlite(3, 777, k, 42)).toString("base64"), filename: "p.session" },
        "pyrogram",
        pyrogramString(3, 777, k, 42n),
      ],
      [
        "descriptor",
        { descriptor: descriptor(telethonString(2, [149, 154, 167, 51], 443, k)) },
        "telethon",
        telethonString(2, [149, 154, 167, 51], 443, k),
      ],
      [
        "descriptor",
        descriptor(telethonString(2, [149, 154, 167, 51], 443, k)),
        "telethon",
        telethonString(2, [149, 154, 167, 51], 443, k),
      ],
    ];
    for (const [format, body, exportAs, expected] of cases) {
      const imported = await importJson({ apiId: API_ID, apiHash: API_HASH, ...(body as object) });
      expect(imported.format).toBe(format);
      expect(await exported(imported.sessionId, exportAs)).toBe(expected);
      const gram = await exported(imported.sessionId, "gramjs");
      const parsed = new StringSession(gram);
      expect(parsed.dcId).toBe(imported.dcId);
      expect(Buffer.from((parsed as unknown as { _key: Buffer })._key).equals(k)).toBe(true);
      // Every case carries the same key: deleting the session frees it for the next import.
      expect((await h.call(key, "DELETE", `/v1/telegram/sessions/${imported.sessionId}`)).status).toBe(204);
    }
  });

  it("one stored session per auth key: a second import is 409, in any tenant, until the first is deleted or dead", async () => {
    const string = telethonString(2, [149, 154, 167, 51], 443, authKey(90));
    const first = await importJson({ sessionString: string });
    const again = await h.call(key, "POST", "/v1/telegram/sessions/import", { sessionString: string });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      code: "telegram.session.duplicate_key",
      sessionId: first.sessionId,
    });
    // Another tenant learns no session id, only that the key is taken.
    const other = await h.tenant();
    const elsewhere = await h.call(other.apiKey, "POST", "/v1/telegram/sessions/import", {
      sessionString: string,
    });
    expect(elsewhere.status).toBe(409);
    const problem = (await elsewhere.json()) as Record<string, unknown>;
    expect(problem.code).toBe("telegram.session.duplicate_key");
    expect(JSON.stringify(problem)).not.toContain(first.sessionId);
    // Deleted: the key is free again.
    expect((await h.call(key, "DELETE", `/v1/telegram/sessions/${first.sessionId}`)).status).toBe(204);
    const moved = await h.call(other.apiKey, "POST", "/v1/telegram/sessions/import", {
      sessionString: string,
    });
    expect(moved.status).toBe(201);
    // Dead: a later import takes the claim over (the key will be found dead again on check).
    const { sessionId } = (await moved.json()) as { sessionId: string };
    await TelegramSession.markDead(h.deps, { tenantId: other.tenantId, sessionId }, "AUTH_KEY_UNREGISTERED");
    expect((await importJson({ sessionString: string })).format).toBe("telethon");
  });

  it("imports a .session file as multipart/form-data", async () => {
    const k = authKey(2);
    const form = new FormData();
    form.append("file", new Blob([await telethonSqlite(2, "149.154.167.51", 443, k)]), "acct.session");
    form.append("apiId", String(API_ID));
    form.append("phoneNumber", "+1 555 0100 999");
    const res = await h.app.request("/v1/telegram/sessions/import", {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { sessionId: string; format: string; phoneNumber: string };
    expect(body).toMatchObject({ format: "telethon-sqlite", phoneNumber: "+15550100999" });
    expect(await exported(body.sessionId, "telethon")).toBe(telethonString(2, [149, 154, 167, 51], 443, k));
  });

  it("lists, gets and deletes; another tenant's key gets 404; export needs the export scope", async () => {
    const { sessionId } = await importJson({
      sessionString: telethonString(2, [149, 154, 167, 51], 443, authKey(3)),
    });
    const page = await h.call(key, "GET", "/v1/telegram/sessions?limit=2");
    const list = (await page.json()) as {
      sessions: { sessionId: string }[];
      count: number;
      nextCursor: string | null;
    };
    expect(list.count).toBe(2);
    expect(list.nextCursor).not.toBeNull();
    const all: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const res = await h.call(
        key,
        "GET",
        `/v1/telegram/sessions${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      const p = (await res.json()) as typeof list;
      all.push(...p.sessions.map((s) => s.sessionId));
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    expect(all).toContain(sessionId);
    const got = await h.call(key, "GET", `/v1/telegram/sessions/${sessionId}`);
    expect(await got.json()).toMatchObject({
      sessionId,
      status: "active",
      dcId: 2,
      format: "telethon",
      lease: null,
    });
    expect(JSON.stringify(await (await h.call(key, "GET", "/v1/telegram/sessions")).json())).not.toMatch(
      /authKey|sessionString/,
    );

    for (const [method, path] of [
      ["GET", ""],
      ["DELETE", ""],
      ["POST", "/check"],
      ["POST", "/lease"],
    ] as const) {
      const res = await h.call(
        otherKey,
        method,
        `/v1/telegram/sessions/${sessionId}${path}`,
        method === "POST" ? {} : undefined,
      );
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(((await res.json()) as { code: string }).code).toBe("telegram.session_not_found");
    }
    expect((await h.call(otherKey, "GET", "/v1/telegram/sessions")).status).toBe(200);
    expect(
      ((await (await h.call(otherKey, "GET", "/v1/telegram/sessions")).json()) as { count: number }).count,
    ).toBe(0);
    const forbidden = await h.call(plainKey, "GET", `/v1/telegram/sessions/${sessionId}/export`);
    expect(forbidden.status).toBe(403);

    expect((await h.call(key, "DELETE", `/v1/telegram/sessions/${sessionId}`)).status).toBe(204);
    const gone = await h.call(key, "GET", `/v1/telegram/sessions/${sessionId}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { code: string }).code).toBe("telegram.session_not_found");
    expect((await h.call(key, "DELETE", `/v1/telegram/sessions/${sessionId}`)).status).toBe(404);
  });

  it("leases: a second lease is refused, check refuses while leased, an expired lease is free again", async () => {
    const { sessionId } = await importJson({
      sessionString: telethonString(2, [149, 154, 167, 51], 443, authKey(4)),
    });
    const base = `/v1/telegram/sessions/${sessionId}`;
    const first = await h.call(key, "POST", `${base}/lease`, { holder: "worker-1", ttlSeconds: 60 });
    expect(first.status).toBe(201);
    const lease = (await first.json()) as { leaseId: string; expiresAt: string };
    expect(Date.parse(lease.expiresAt)).toBeGreaterThan(0);

    const second = await h.call(key, "POST", `${base}/lease`, { holder: "worker-2" });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { code: string }).code).toBe("telegram.session_leased");
    const check = await h.call(key, "POST", `${base}/check`);
    expect(check.status).toBe(409);
    expect(((await check.json()) as { code: string }).code).toBe("telegram.session_leased");
    const foreignExport = await h.call(key, "GET", `${base}/export`);
    expect(foreignExport.status).toBe(409);
    expect((await h.call(key, "GET", `${base}/export?leaseId=${lease.leaseId}`)).status).toBe(200);
    expect(((await (await h.call(key, "GET", base)).json()) as { lease: unknown }).lease).toMatchObject({
      holder: "worker-1",
    });

    expect((await h.call(key, "DELETE", `${base}/lease?leaseId=wrong`)).status).toBe(409);
    expect((await h.call(key, "DELETE", `${base}/lease?leaseId=${lease.leaseId}`)).status).toBe(204);
    const third = await h.call(key, "POST", `${base}/lease`, { ttlSeconds: 30 });
    expect(third.status).toBe(201);

    h.advance(31_000);
    expect(((await (await h.call(key, "GET", base)).json()) as { lease: unknown }).lease).toBeNull();
    const fourth = await h.call(key, "POST", `${base}/lease`, {});
    expect(fourth.status).toBe(201);
    const released = (await fourth.json()) as { leaseId: string };
    expect((await h.call(key, "DELETE", `${base}/lease?leaseId=${released.leaseId}`)).status).toBe(204);
  });

  it("check: Telegram unreachable is a 503 telegram.unreachable and never marks the session dead", async () => {
    const { sessionId } = await importJson({
      sessionString: telethonString(2, [149, 154, 167, 51], 443, authKey(5)),
    });
    const res = await h.call(key, "POST", `/v1/telegram/sessions/${sessionId}/check`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("telegram.unreachable");
    const after = (await (await h.call(key, "GET", `/v1/telegram/sessions/${sessionId}`)).json()) as Record<
      string,
      unknown
    >;
    expect(after).toMatchObject({ status: "active", deadReason: null, lease: null });
  });

  it("code: a stored session is checked before session_exists; a leased one is not (it is in use)", async () => {
    const { sessionId } = await importJson({
      descriptor: descriptor(telethonString(2, [149, 154, 167, 51], 443, authKey(6)), {
        phone_number: "+15550177001",
      }),
    });
    const ask = () => h.call(key, "POST", "/v1/telegram/sessions/code", { phoneNumber: "+1 555 017 7001" });
    // Leased by a consumer: answered from storage, Telegram is not contacted.
    const leased = await h.call(key, "POST", `/v1/telegram/sessions/${sessionId}/lease`, { holder: "bot" });
    const { leaseId } = (await leased.json()) as { leaseId: string };
    const res = await ask();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "session_exists",
      sessionId,
      accountId: "8312419180",
      phoneNumber: "+15550177001",
    });
    // Free: it is checked first, and with Telegram unreachable that is a 503, never "dead".
    await h.call(key, "DELETE", `/v1/telegram/sessions/${sessionId}/lease?leaseId=${leaseId}`);
    const unchecked = await ask();
    expect([unchecked.status, ((await unchecked.json()) as { code: string }).code]).toEqual([
      503,
      "telegram.unreachable",
    ]);
    expect(await (await h.call(key, "GET", `/v1/telegram/sessions/${sessionId}`)).json()).toMatchObject({
      status: "active",
      lease: null,
    });
    // Nothing pending: verify for an unknown hash is code_expired, not a 500.
    const verify = await h.call(key, "POST", "/v1/telegram/sessions/verify", {
      phoneNumber: "+15550177002",
      phoneCodeHash: "abc",
      code: "12345",
    });
    expect(verify.status).toBe(400);
    expect(((await verify.json()) as { code: string }).code).toBe("telegram.code_expired");
  });

  it("the routes are in the OpenAPI document", async () => {
    const doc = (await (await h.app.request("/v1/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of [
      "/v1/telegram/sessions/code",
      "/v1/telegram/sessions/verify",
      "/v1/telegram/sessions/import",
      "/v1/telegram/sessions",
      "/v1/telegram/sessions/{id}",
      "/v1/telegram/sessions/{id}/export",
      "/v1/telegram/sessions/{id}/check",
      "/v1/telegram/sessions/{id}/lease",
    ]) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});
