import { describe, expect, it } from "vitest";
import { createHarness, REF } from "../../../test/auth-state/fakes.js";
import { openAuthState } from "./index.js";
import { readPointer } from "./pointer.js";

const text = async (auth: Awaited<ReturnType<typeof openAuthState>>, id: string): Promise<string | null> => {
  const got = (await auth.state.keys.get("session", [id]))[id];
  return got ? Buffer.from(got).toString() : null;
};

describe("auth state fencing", () => {
  it("never replays what a stale owner writes after a takeover", async () => {
    const h = createHarness();
    const stale = await openAuthState(h.deps, REF, { epoch: 1, compactEveryChanges: 1e9 });
    await stale.state.keys.set({ session: { "x.0": Buffer.from("before") } });
    const owner = await openAuthState(h.deps, REF, { epoch: 2, compactEveryChanges: 1e9 });
    expect(await text(owner, "x.0")).toBe("before"); // the old owner's acknowledged log counts
    expect((await readPointer(h.records, REF))!.fences).toEqual({ "1": 1 }); // snapshot 0, then log 1
    // The stale owner does not know yet: its log writes still succeed…
    await stale.state.keys.set({ session: { "x.0": Buffer.from("stale"), "y.0": Buffer.from("stale") } });
    await owner.state.keys.set({ session: { "z.0": Buffer.from("owner") } });
    const restored = await openAuthState(h.deps, REF, { epoch: 3 });
    // …but no restore replays them.
    expect(await text(restored, "x.0")).toBe("before");
    expect(await text(restored, "y.0")).toBeNull();
    expect(await text(restored, "z.0")).toBe("owner");
  });

  it("a stale owner cannot move the pointer: its compaction fails and the state becomes unusable", async () => {
    const h = createHarness();
    const stale = await openAuthState(h.deps, REF, { epoch: 1, compactEveryChanges: 3 });
    await openAuthState(h.deps, REF, { epoch: 2 });
    const before = await readPointer(h.records, REF);
    for (let i = 0; i < 3; i++) await stale.state.keys.set({ session: { [`${i}.0`]: Buffer.from("s") } });
    await expect(stale.flush()).rejects.toMatchObject({ code: "auth_state.unusable" });
    await expect(stale.state.keys.set({ session: { "9.0": Buffer.from("s") } })).rejects.toMatchObject({
      code: "auth_state.unusable",
      cause: { code: "auth_state.fenced" },
    });
    expect(await readPointer(h.records, REF)).toEqual(before);
  });

  it("refuses to open with an epoch older than the owner's", async () => {
    const h = createHarness();
    await openAuthState(h.deps, REF, { epoch: 5 });
    await expect(openAuthState(h.deps, REF, { epoch: 4 })).rejects.toMatchObject({
      code: "auth_state.fenced",
    });
    const same = await openAuthState(h.deps, REF, { epoch: 5 }); // the same lease reopening
    expect(same.epoch).toBe(5);
  });

  it("without an epoch takes over as owner + 1, and two racing openers get distinct epochs", async () => {
    const h = createHarness();
    const a = await openAuthState(h.deps, REF);
    expect(a.epoch).toBe(1);
    const [b, c] = await Promise.all([openAuthState(h.deps, REF), openAuthState(h.deps, REF)]);
    expect(new Set([b.epoch, c.epoch])).toEqual(new Set([2, 3]));
    expect((await readPointer(h.records, REF))!.ownerEpoch).toBe(3);
  });

  it("a reopen by the same epoch continues its log after the last seq", async () => {
    const h = createHarness();
    const one = await openAuthState(h.deps, REF, { epoch: 7, compactEveryChanges: 1e9 });
    await one.state.keys.set({ session: { "a.0": Buffer.from("1") } });
    await one.close();
    const again = await openAuthState(h.deps, REF, { epoch: 7, compactEveryChanges: 1e9 });
    await again.state.keys.set({ session: { "a.0": Buffer.from("2") } });
    const restored = await openAuthState(h.deps, REF, { epoch: 8 });
    expect(await text(restored, "a.0")).toBe("2");
  });
});
