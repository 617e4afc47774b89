import { describe, expect, it } from "vitest";
import { createHarness, REF, sessionBytes } from "../../../test/auth-state/fakes.js";
import { parseBlobKey, snapPrefix, walPrefix } from "./blob-keys.js";
import { listBackups, openAuthState } from "./index.js";
import { readPointer } from "./pointer.js";

describe("auth state compaction and restore", () => {
  it("compacts after N changes, keeps the last K snapshots and deletes logs the pointer no longer needs", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF, { compactEveryChanges: 10, keepSnapshots: 3 });
    for (let i = 0; i < 100; i++)
      await auth.state.keys.set({ session: { [`${i % 13}.0`]: sessionBytes(40) } });
    await auth.flush();
    const pointer = (await readPointer(h.records, REF))!;
    expect(pointer.snapshots).toHaveLength(3);
    expect(pointer.snapshots.map((s) => s.generation)).toEqual(
      [...pointer.snapshots].map((s) => s.generation).sort((a, b) => b - a),
    );
    expect(pointer.snapshot).toEqual(pointer.snapshots[0]);
    const snaps = await h.blobs.keys(snapPrefix(REF));
    expect(snaps).toHaveLength(3); // only the kept ones remain
    const logs = (await h.blobs.keys(walPrefix(REF))).map((k) => parseBlobKey(REF, k)!);
    expect(logs.every((l) => l.seq > pointer.snapshot!.seq)).toBe(true);
    expect(logs.length).toBeLessThan(10);
    expect((await listBackups(h.deps, REF)).map((b) => b.current)).toEqual([true, false, false]);
    const reopened = await openAuthState(h.deps, REF);
    expect(Object.keys(await reopened.state.keys.get("session", ["0.0", "12.0", "13.0"]))).toEqual([
      "0.0",
      "12.0",
    ]);
  });

  it("compacts after M log bytes", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9, compactEveryBytes: 20_000 });
    for (let i = 0; i < 10; i++) await auth.state.keys.set({ session: { [`${i}.0`]: sessionBytes(5_000) } });
    await auth.flush();
    expect((await readPointer(h.records, REF))!.snapshots.length).toBeGreaterThan(1);
  });

  it("restores the snapshot, then the log after it in (epoch, seq) order", async () => {
    const h = createHarness();
    const first = await openAuthState(h.deps, REF, { compactEveryChanges: 4 });
    await first.state.keys.set({ session: { "a.0": Buffer.from("a1") } });
    await first.state.keys.set({ session: { "b.0": Buffer.from("b1") } });
    await first.state.keys.set({ session: { "a.0": Buffer.from("a2"), "c.0": Buffer.from("c1") } });
    await first.flush(); // 4 changes incl. the initial creds snapshot: compacted here
    await first.state.keys.set({ session: { "a.0": Buffer.from("a3") } });
    await first.state.keys.set({ session: { "b.0": null } });
    await first.close();
    const second = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9 }); // epoch 2, no compaction
    await second.state.keys.set({ session: { "a.0": Buffer.from("a4"), "d.0": Buffer.from("d1") } });
    await second.state.keys.set({ session: { "c.0": null } });
    await second.close();
    const third = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9 });
    const got = await third.state.keys.get("session", ["a.0", "b.0", "c.0", "d.0"]);
    expect(Object.fromEntries(Object.entries(got).map(([k, v]) => [k, Buffer.from(v).toString()]))).toEqual({
      "a.0": "a4",
      "d.0": "d1",
    });
    const epochs = (await h.blobs.keys(walPrefix(REF))).map((k) => parseBlobKey(REF, k)!.epoch);
    expect(new Set(epochs)).toEqual(new Set([1, 2])); // the restore really crossed epochs
  });

  it("compacts a long replayed log at open, and the compacted state restores the same", async () => {
    const h = createHarness();
    const first = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9 });
    for (let i = 0; i < 30; i++)
      await first.state.keys.set({ "sender-key": { [`g${i}`]: sessionBytes(30) } });
    await first.close();
    const second = await openAuthState(h.deps, REF, { compactEveryChanges: 20 });
    await second.flush();
    const pointer = (await readPointer(h.records, REF))!;
    expect(pointer.snapshot!.epoch).toBe(second.epoch);
    expect(await h.blobs.keys(walPrefix(REF))).toEqual([]);
    const ids = Array.from({ length: 30 }, (_, i) => `g${i}`);
    const third = await openAuthState(h.deps, REF);
    expect(Object.keys(await third.state.keys.get("sender-key", ids))).toHaveLength(30);
  });
});
