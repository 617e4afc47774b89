import { describe, expect, it } from "vitest";
import { snapKey, walKey } from "../../core/whatsapp/auth-state/blob-keys.js";
import { encodeBlob } from "../../core/whatsapp/auth-state/codec.js";
import {
  listBackups,
  openAuthState,
  pruneAuthState,
  restoreBackup,
  verifyAuthState,
} from "../../core/whatsapp/auth-state/index.js";
import { readPointer } from "../../core/whatsapp/auth-state/pointer.js";
import { createHarness, REF } from "../auth-state/fakes.js";

/** `pruneAuthState`: what a stopped owner left behind goes; everything a restore can read stays. */
describe("pruneAuthState", () => {
  it("deletes leftovers of an interrupted compaction and fenced-out stale log, keeps what restores read", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF, { compactEveryChanges: 1, keepSnapshots: 2 });
    for (const v of ["v1", "v2", "v3"]) {
      await auth.state.keys.set({ session: { "k.0": Buffer.from(v) } });
      await auth.flush();
    }
    await auth.close();
    // Left behind by an owner that died between moving the pointer and deleting:
    const kept = (await readPointer(h.records, REF))!.snapshots.map((s) => snapKey(REF, s));
    const oldSnap = snapKey(REF, { epoch: 1, seq: 0 });
    const oldLog = walKey(REF, { epoch: 1, seq: 1 });
    expect(kept).not.toContain(oldSnap);
    await h.vault.put(oldSnap, encodeBlob("snap", [["creds", "{}"]]));
    await h.vault.put(oldLog, encodeBlob("wal", [["k.0", '"x"']]));
    // A takeover by epoch 2 fences epoch 1; what epoch 1 writes afterwards is never replayed.
    const live = await openAuthState(h.deps, REF, { epoch: 2, compactEveryChanges: 1e9 });
    await live.state.keys.set({ session: { "k.1": Buffer.from("tail") } });
    await live.close();
    const pointer = (await readPointer(h.records, REF))!;
    const staleLog = walKey(REF, { epoch: 1, seq: pointer.fences["1"]! + 1 });
    await h.vault.put(staleLog, encodeBlob("wal", [["k.0", '"stale"']]));
    const ownLog = walKey(REF, { epoch: 2, seq: 1 });

    expect(await pruneAuthState(h.deps, REF)).toBe(3);

    const remaining = await h.blobs.keys();
    for (const gone of [oldSnap, oldLog, staleLog]) expect(remaining).not.toContain(gone);
    for (const key of [...kept, ownLog]) expect(remaining).toContain(key);
    expect(await verifyAuthState(h.deps, REF)).toMatchObject({ ok: true });
    expect(await pruneAuthState(h.deps, REF)).toBe(0);
    const older = (await listBackups(h.deps, REF)).find((b) => !b.current)!;
    await restoreBackup(h.deps, REF, older.generation);
    expect(await verifyAuthState(h.deps, REF)).toMatchObject({ ok: true });
  });

  it("is a no-op for a session without state", async () => {
    const h = createHarness();
    expect(await pruneAuthState(h.deps, REF)).toBe(0);
  });
});
