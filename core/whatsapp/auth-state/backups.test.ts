import { describe, expect, it } from "vitest";
import { createHarness, REF } from "../../../test/auth-state/fakes.js";
import { BlobCorruptError, BlobMissingError } from "../../error.js";
import { pointerKey, snapKey, walPrefix } from "./blob-keys.js";
import { listBackups, openAuthState, restoreBackup, verifyAuthState, wipeAuthState } from "./index.js";
import { readPointer } from "./pointer.js";

const value = async (auth: Awaited<ReturnType<typeof openAuthState>>, id: string): Promise<string | null> => {
  const got = (await auth.state.keys.get("session", [id]))[id];
  return got ? Buffer.from(got).toString() : null;
};

/** Three generations: gen 1 = fresh creds, gen 2 = k:v1, gen 3 = k:v2, then a log entry k:v3. */
async function sessionWithHistory(h: ReturnType<typeof createHarness>) {
  const auth = await openAuthState(h.deps, REF, { compactEveryChanges: 1 });
  for (const v of ["v1", "v2"]) {
    await auth.state.keys.set({ session: { "k.0": Buffer.from(v) } });
    await auth.flush();
  }
  await auth.close();
  const live = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9 });
  await live.state.keys.set({ session: { "k.0": Buffer.from("v3") } });
  await live.close();
  return (await readPointer(h.records, REF))!;
}

describe("auth state corruption, backups and maintenance", () => {
  it("a flipped byte in a log blob is a typed error naming it; the current backup restores without that log", async () => {
    const h = createHarness();
    await sessionWithHistory(h);
    const [log] = await h.blobs.keys(walPrefix(REF));
    await h.blobs.flipByte(log!);
    const error = await openAuthState(h.deps, REF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BlobCorruptError);
    expect(error).toMatchObject({ code: "vault.blob_corrupt", blob: log });
    expect(await verifyAuthState(h.deps, REF)).toEqual({ ok: false, blob: log, reason: "auth_failed" });
    const current = (await listBackups(h.deps, REF)).find((b) => b.current)!;
    await restoreBackup(h.deps, REF, current.generation);
    const restored = await openAuthState(h.deps, REF);
    expect(restored.isNew).toBe(false);
    expect(await value(restored, "k.0")).toBe("v2");
  });

  it("a flipped byte in the snapshot is a typed error naming it; the previous kept snapshot restores", async () => {
    const h = createHarness();
    const pointer = await sessionWithHistory(h);
    const creds = (await openAuthState(h.deps, REF, { epoch: pointer.ownerEpoch })).state.creds;
    const snap = snapKey(REF, pointer.snapshot!);
    await h.blobs.flipByte(snap, 3); // the header
    await expect(openAuthState(h.deps, REF)).rejects.toMatchObject({
      code: "vault.blob_corrupt",
      blob: snap,
    });
    const backups = await listBackups(h.deps, REF);
    expect(backups.map((b) => b.generation)).toEqual([3, 2, 1]);
    await expect(restoreBackup(h.deps, REF, 3)).rejects.toMatchObject({ blob: snap });
    const { epoch } = await restoreBackup(h.deps, REF, 2);
    expect(epoch).toBeGreaterThan(pointer.ownerEpoch);
    expect(await verifyAuthState(h.deps, REF)).toMatchObject({ ok: true });
    const restored = await openAuthState(h.deps, REF);
    expect(await value(restored, "k.0")).toBe("v1"); // later log fenced out
    expect(restored.state.creds.noiseKey.private).toEqual(creds.noiseKey.private);
    await restored.state.keys.set({ session: { "k.0": Buffer.from("v4") } });
    expect(await value(await openAuthState(h.deps, REF), "k.0")).toBe("v4");
  });

  it("restoreBackup refuses an unknown generation and an epoch not newer than the owner's", async () => {
    const h = createHarness();
    const pointer = await sessionWithHistory(h);
    await expect(restoreBackup(h.deps, REF, 99)).rejects.toMatchObject({
      code: "auth_state.backup_not_found",
    });
    await expect(restoreBackup(h.deps, REF, 2, pointer.ownerEpoch)).rejects.toMatchObject({
      code: "auth_state.fenced",
    });
  });

  it("a missing log blob is an error naming it, never a fresh start", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF, { compactEveryChanges: 1e9 });
    for (const v of ["1", "2", "3"]) await auth.state.keys.set({ session: { [`${v}.0`]: Buffer.from(v) } });
    const logs = await h.blobs.keys(walPrefix(REF));
    await h.blobs.delete(logs[1]!);
    await expect(openAuthState(h.deps, REF)).rejects.toBeInstanceOf(BlobMissingError);
    await expect(openAuthState(h.deps, REF)).rejects.toMatchObject({ blob: logs[1] });
  });

  it("blobs without a pointer, or a pointer without its snapshot, fail loudly", async () => {
    const h = createHarness();
    const pointer = await sessionWithHistory(h);
    await h.blobs.delete(snapKey(REF, pointer.snapshot!));
    await expect(openAuthState(h.deps, REF)).rejects.toMatchObject({ code: "vault.blob_missing" });
    await h.records.delete(pointerKey(REF));
    await expect(openAuthState(h.deps, REF)).rejects.toMatchObject({ code: "auth_state.invalid" });
  });

  it("wipe deletes every blob and the pointer; the next open is new", async () => {
    const h = createHarness();
    await sessionWithHistory(h);
    const other = { tenantId: REF.tenantId, sessionId: `${REF.sessionId}x` };
    await openAuthState(h.deps, other);
    const count = (await h.blobs.keys(`t/${REF.tenantId}/wa/${REF.sessionId}/`)).length;
    expect(await wipeAuthState(h.deps, REF)).toBe(count);
    expect(await h.blobs.keys(`t/${REF.tenantId}/wa/${REF.sessionId}/`)).toEqual([]);
    expect(await readPointer(h.records, REF)).toBeNull();
    expect((await openAuthState(h.deps, REF)).isNew).toBe(true);
    expect((await openAuthState(h.deps, other)).isNew).toBe(false);
    expect(await listBackups(h.deps, { tenantId: "nobody", sessionId: "none" })).toEqual([]);
  });

  it("verify reads everything back and changes nothing", async () => {
    const h = createHarness();
    await sessionWithHistory(h);
    const before = await readPointer(h.records, REF);
    const puts = h.blobs.puts.length;
    expect(await verifyAuthState(h.deps, REF)).toEqual({ ok: true, blobs: 2, keys: 2 });
    expect(await readPointer(h.records, REF)).toEqual(before);
    expect(h.blobs.puts.length).toBe(puts);
  });
});
