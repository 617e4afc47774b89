import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { createMemoryStorage } from "../../storage/memory.js";
import * as WhatsAppSession from "./index.js";

function setup(start = Date.parse("2025-01-01T00:00:00Z")) {
  let now = start;
  const storage = createMemoryStorage();
  const ctx = { storage, clock: () => now };
  return { ctx, storage, advance: (ms: number) => (now += ms), now: () => now };
}

const tenantId = "ten_01HZZZZZZZZZZZZZZZZZZZZZZZ";

describe("WhatsApp session record", () => {
  it("creates a pending session that wants a connector, with a generated id and a 24 h expiry", async () => {
    const { ctx, storage } = setup();
    const s = await WhatsAppSession.create(ctx, { tenantId, phoneNumber: "+4915112345678" });
    expect(s.sessionId).toMatch(/^wa_[0-9A-Z]{26}$/);
    expect(s).toMatchObject({ status: "pending", desired: "connected", paired: false, epoch: 0 });
    expect(s.phoneNumber).toBe("4915112345678");
    expect(Date.parse(s.expiresAt!) - Date.parse(s.createdAt)).toBe(24 * 3600_000);
    const row = await storage.records.get({ pk: `t#${tenantId}`, sk: `wa#${s.sessionId}` });
    expect(row).toMatchObject({ gsi1pk: "wa#want", gsi1sk: "000000000000000" });
  });

  it("accepts a caller-chosen id once and refuses bad ids and phones", async () => {
    const { ctx } = setup();
    await WhatsAppSession.create(ctx, { tenantId, sessionId: "bot-1_A" });
    await expect(WhatsAppSession.create(ctx, { tenantId, sessionId: "bot-1_A" })).rejects.toMatchObject({
      code: "whatsapp.session_exists",
      status: 409,
    });
    await expect(WhatsAppSession.create(ctx, { tenantId, sessionId: "no/slash" })).rejects.toBeInstanceOf(
      ZodError,
    );
    await expect(WhatsAppSession.create(ctx, { tenantId, sessionId: "x".repeat(65) })).rejects.toBeInstanceOf(
      ZodError,
    );
    await expect(WhatsAppSession.create(ctx, { tenantId, phoneNumber: "12ab" })).rejects.toBeInstanceOf(
      ZodError,
    );
  });

  it("lists one tenant's sessions page by page, skipping auth-state pointer records", async () => {
    const { ctx, storage } = setup();
    for (const id of ["a", "b", "c", "d", "e"]) {
      await WhatsAppSession.create(ctx, { tenantId, sessionId: id });
      await storage.records.create({ pk: `t#${tenantId}`, sk: `wa#${id}#state`, attrs: {} });
    }
    await WhatsAppSession.create(ctx, { tenantId: "ten_other", sessionId: "z" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await WhatsAppSession.list(ctx, tenantId, { limit: 2, cursor });
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...page.sessions.map((s) => s.sessionId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("requestDisconnect removes the session from the connector index; requestConnect puts it back", async () => {
    const { ctx, storage } = setup();
    const ref = { tenantId, sessionId: "s1" };
    await WhatsAppSession.create(ctx, ref);
    const off = await WhatsAppSession.requestDisconnect(ctx, ref);
    expect(off.desired).toBe("disconnected");
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
    const key = { pk: `t#${tenantId}`, sk: "wa#s1" };
    expect((await storage.records.get(key))?.gsi1pk).toBeUndefined();
    const on = await WhatsAppSession.requestConnect(ctx, ref);
    expect(on).toMatchObject({ desired: "connected", status: "pending" });
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([ref]);
  });

  it("publish writes observed state only under the current lease and clears fields with null", async () => {
    const { ctx } = setup();
    const ref = { tenantId, sessionId: "s1" };
    await WhatsAppSession.create(ctx, ref);
    const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "c1", 30_000))!;
    const lease = { ...ref, owner: "c1", epoch };
    const now = ctx.clock();
    let s = await WhatsAppSession.publish(ctx, lease, {
      status: "qr",
      qr: "2@secret",
      qrExpiresAt: now + 60_000,
    });
    expect(s).toMatchObject({
      status: "qr",
      qr: "2@secret",
      qrExpiresAt: new Date(now + 60_000).toISOString(),
    });
    const account = { jid: "4915112345678:3@s.whatsapp.net", name: "Bot", phone: "4915112345678" };
    s = await WhatsAppSession.publish(ctx, lease, {
      status: "connected",
      qr: null,
      qrExpiresAt: null,
      paired: true,
      account,
      connectedAt: now,
    });
    expect(s).toMatchObject({ status: "connected", paired: true, account });
    expect(s.qr).toBeUndefined();
    expect(s.expiresAt).toBeUndefined();
    await expect(
      WhatsAppSession.publish(ctx, { ...lease, epoch: epoch - 1 }, { status: "failed" }),
    ).rejects.toMatchObject({ code: "whatsapp.lease_lost" });
    await expect(
      WhatsAppSession.publish(ctx, { ...lease, owner: "c2" }, { status: "failed" }),
    ).rejects.toBeInstanceOf(WhatsAppSession.LeaseLostError);
  });

  it("a terminal publish with desired=disconnected leaves the index", async () => {
    const { ctx } = setup();
    const ref = { tenantId, sessionId: "s1" };
    await WhatsAppSession.create(ctx, ref);
    const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "c1", 30_000))!;
    await WhatsAppSession.publish(
      ctx,
      { ...ref, owner: "c1", epoch },
      { status: "conflict", desired: "disconnected" },
    );
    await WhatsAppSession.releaseLease(ctx, { ...ref, owner: "c1", epoch });
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
    expect(await WhatsAppSession.acquireLease(ctx, ref, "c2", 30_000)).toBeNull();
  });

  it("remove deletes the record; unknown sessions are typed not-found errors", async () => {
    const { ctx } = setup();
    const ref = { tenantId, sessionId: "s1" };
    await WhatsAppSession.create(ctx, ref);
    await WhatsAppSession.remove(ctx, ref);
    expect(await WhatsAppSession.fromID(ctx, ref)).toBeNull();
    await expect(WhatsAppSession.remove(ctx, ref)).rejects.toMatchObject({
      code: "whatsapp.session_not_found",
      status: 404,
    });
    await expect(WhatsAppSession.requestConnect(ctx, ref)).rejects.toBeInstanceOf(
      WhatsAppSession.SessionNotFoundError,
    );
    await expect(WhatsAppSession.requestDisconnect(ctx, ref)).rejects.toBeInstanceOf(
      WhatsAppSession.SessionNotFoundError,
    );
  });
});
