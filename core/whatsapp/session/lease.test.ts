import { afterEach, describe, expect, it } from "vitest";
import { ADAPTERS, createTestStorage, type TestStorage } from "../../../test/helpers/test-storage.js";
import { createMemoryStorage } from "../../storage/memory.js";
import * as WhatsAppSession from "./index.js";

/** The lease verbs' contract, on memory and on both real adapters (DESIGN §3: one suite, every adapter). */
describe.each(["memory", ...ADAPTERS] as const)("WhatsApp session leases on %s", (adapter) => {
  let test: TestStorage | undefined;
  afterEach(async () => {
    await test?.dispose();
    test = undefined;
  });

  async function setup() {
    let now = 1_700_000_000_000;
    test =
      adapter === "memory"
        ? { storage: createMemoryStorage(), env: {}, dispose: async () => {} }
        : await createTestStorage(adapter);
    const ctx = { storage: test.storage, clock: () => now };
    const ref = { tenantId: "ten_lease", sessionId: "s1" };
    await WhatsAppSession.create(ctx, ref);
    return { ctx, ref, advance: (ms: number) => (now += ms) };
  }

  it("a free lease is taken once: epoch + 1, and the loser gets null", async () => {
    const { ctx, ref } = await setup();
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([ref]);
    const results = await Promise.all([
      WhatsAppSession.acquireLease(ctx, ref, "a", 30_000),
      WhatsAppSession.acquireLease(ctx, ref, "b", 30_000),
    ]);
    expect(results.filter((r) => r !== null)).toEqual([1]);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
  });

  it("a held lease is refused until it expires; the takeover bumps the epoch and fences the old owner", async () => {
    const { ctx, ref, advance } = await setup();
    const e1 = await WhatsAppSession.acquireLease(ctx, ref, "a", 30_000);
    expect(e1).toBe(1);
    advance(29_999);
    expect(await WhatsAppSession.acquireLease(ctx, ref, "b", 30_000)).toBeNull();
    advance(1);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([ref]);
    const e2 = await WhatsAppSession.acquireLease(ctx, ref, "b", 30_000);
    expect(e2).toBe(2);
    expect(await WhatsAppSession.renewLease(ctx, { ...ref, owner: "a", epoch: 1 }, 30_000)).toBeNull();
    expect(await WhatsAppSession.releaseLease(ctx, { ...ref, owner: "a", epoch: 1 })).toBe(false);
    await expect(
      WhatsAppSession.publish(ctx, { ...ref, owner: "a", epoch: 1 }, { status: "connected" }),
    ).rejects.toMatchObject({
      code: "whatsapp.lease_lost",
    });
    const s = await WhatsAppSession.fromID(ctx, ref);
    expect(s).toMatchObject({ leaseOwner: "b", epoch: 2, status: "pending" });
  });

  it("renewal extends the lease and the index entry; an expired lease cannot be renewed", async () => {
    const { ctx, ref, advance } = await setup();
    const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "a", 30_000))!;
    const lease = { ...ref, owner: "a", epoch };
    advance(20_000);
    const renewed = await WhatsAppSession.renewLease(ctx, lease, 30_000);
    expect(renewed).toMatchObject({ leaseOwner: "a", epoch, desired: "connected" });
    advance(20_000);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
    expect(await WhatsAppSession.acquireLease(ctx, ref, "b", 30_000)).toBeNull();
    advance(10_000);
    expect(await WhatsAppSession.renewLease(ctx, lease, 30_000)).toBeNull();
  });

  it("renewal reports desired=disconnected and keeps the session out of the index", async () => {
    const { ctx, ref } = await setup();
    const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "a", 30_000))!;
    await WhatsAppSession.requestDisconnect(ctx, ref);
    const renewed = await WhatsAppSession.renewLease(ctx, { ...ref, owner: "a", epoch }, 30_000);
    expect(renewed?.desired).toBe("disconnected");
    expect(await WhatsAppSession.releaseLease(ctx, { ...ref, owner: "a", epoch })).toBe(true);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
    expect(await WhatsAppSession.acquireLease(ctx, ref, "b", 30_000)).toBeNull();
    const admin = await WhatsAppSession.acquireLease(ctx, ref, "api", 5_000, { anyDesired: true });
    expect(admin).toBe(epoch + 1);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([]);
  });

  it("release frees the lease at once for another connector; a gone session is never acquired", async () => {
    const { ctx, ref } = await setup();
    const epoch = (await WhatsAppSession.acquireLease(ctx, ref, "a", 30_000))!;
    expect(await WhatsAppSession.releaseLease(ctx, { ...ref, owner: "a", epoch })).toBe(true);
    expect(await WhatsAppSession.listClaimable(ctx, 10)).toEqual([ref]);
    expect(await WhatsAppSession.acquireLease(ctx, ref, "b", 30_000)).toBe(epoch + 1);
    await WhatsAppSession.remove(ctx, ref);
    expect(
      await WhatsAppSession.renewLease(ctx, { ...ref, owner: "b", epoch: epoch + 1 }, 30_000),
    ).toBeNull();
    expect(await WhatsAppSession.acquireLease(ctx, ref, "c", 30_000)).toBeNull();
  });
});
