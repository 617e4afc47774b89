import { describe, expect, it } from "vitest";
import { createHarness, REF, sessionBytes } from "../../../test/auth-state/fakes.js";
import { StorageError } from "../../error.js";
import { walPrefix } from "./blob-keys.js";
import { openAuthState } from "./index.js";

const walPuts = (puts: string[]): string[] => puts.filter((k) => k.startsWith(walPrefix(REF)));

describe("auth state write path", () => {
  it("group-commits 64 concurrent sets into few log blobs, each resolving only after its blob", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const before = walPuts(h.blobs.puts).length;
    const sets = Array.from({ length: 64 }, (_, i) =>
      Promise.resolve(auth.state.keys.set({ session: { [`${i}.0`]: sessionBytes() } })).then(
        () => walPuts(h.blobs.puts).length,
      ),
    );
    const seenAtResolve = await Promise.all(sets);
    const blobs = walPuts(h.blobs.puts).length - before;
    expect(blobs).toBeLessThanOrEqual(2);
    expect(Math.min(...seenAtResolve)).toBeGreaterThan(before);
    const reopened = await openAuthState(h.deps, REF);
    const got = await reopened.state.keys.get("session", ["0.0", "63.0"]);
    expect(Object.keys(got)).toEqual(["0.0", "63.0"]);
  });

  it("queues everything sent while a blob is in flight into the next blob", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const before = walPuts(h.blobs.puts).length;
    h.blobs.putDelayMs = 20;
    const first = auth.state.keys.set({ session: { "first.0": sessionBytes() } });
    await new Promise((r) => setTimeout(r, 5)); // the first blob is now in flight
    const rest = Array.from({ length: 100 }, (_, i) =>
      auth.state.keys.set({ session: { [`${i}.0`]: sessionBytes(50) } }),
    );
    await Promise.all([first, ...rest]);
    expect(walPuts(h.blobs.puts).length - before).toBe(2);
  });

  it("with one set in flight writes at most one blob per set", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const before = walPuts(h.blobs.puts).length;
    for (let i = 0; i < 50; i++) {
      await auth.state.keys.set({
        session: { [`${i % 7}.0`]: sessionBytes() },
        "pre-key": { [String(i)]: null },
      });
    }
    expect(walPuts(h.blobs.puts).length - before).toBeLessThanOrEqual(50);
  });

  it("is idempotent: repeating a set writes nothing and restores the same value", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const value = sessionBytes();
    await auth.state.keys.set({ session: { "1.0": value } });
    const after = h.blobs.puts.length;
    await auth.state.keys.set({ session: { "1.0": value } });
    await auth.state.keys.set({ session: { "1.0": Buffer.from(value) } });
    expect(h.blobs.puts.length).toBe(after);
    const reopened = await openAuthState(h.deps, REF);
    expect((await reopened.state.keys.get("session", ["1.0"]))["1.0"]).toEqual(value);
  });

  it("deletes on null (and on any falsy value, like useMultiFileAuthState)", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const pair = { public: sessionBytes(32), private: sessionBytes(32) };
    await auth.state.keys.set({ "pre-key": { "1": pair, "2": pair, "3": pair } });
    expect(Object.keys(await auth.state.keys.get("pre-key", ["1", "2", "3"]))).toHaveLength(3);
    await auth.state.keys.set({ "pre-key": { "1": null } });
    await auth.state.keys.set({ "pre-key": { "2": undefined as never } });
    expect(Object.keys(await auth.state.keys.get("pre-key", ["1", "2", "3"]))).toEqual(["3"]);
    const reopened = await openAuthState(h.deps, REF);
    expect(Object.keys(await reopened.state.keys.get("pre-key", ["1", "2", "3"]))).toEqual(["3"]);
  });

  it("rejects set() on a storage error and stays unusable until reopened", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    await auth.state.keys.set({ session: { "1.0": sessionBytes() } });
    h.blobs.failPuts(new StorageError("disk full"));
    const failed = auth.state.keys.set({ session: { "2.0": sessionBytes() } });
    await expect(failed).rejects.toThrow("disk full");
    await expect(auth.state.keys.set({ session: { "3.0": sessionBytes() } })).rejects.toMatchObject({
      code: "auth_state.unusable",
    });
    await expect(auth.saveCreds()).rejects.toMatchObject({ code: "auth_state.unusable" });
    await expect(auth.flush()).rejects.toMatchObject({ code: "auth_state.unusable" });
    const reopened = await openAuthState(h.deps, REF);
    expect(Object.keys(await reopened.state.keys.get("session", ["1.0", "2.0", "3.0"]))).toEqual(["1.0"]);
  });

  it("logs creds with saveCreds and restores them, Buffers included", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    expect(auth.isNew).toBe(true);
    auth.state.creds.nextPreKeyId = 813;
    auth.state.creds.routingInfo = Buffer.from("routing");
    await auth.saveCreds();
    const reopened = await openAuthState(h.deps, REF);
    expect(reopened.isNew).toBe(false);
    expect(reopened.state.creds.nextPreKeyId).toBe(813);
    expect(reopened.state.creds.routingInfo).toEqual(Buffer.from("routing"));
    expect(reopened.state.creds.noiseKey.private).toEqual(auth.state.creds.noiseKey.private);
  });

  it("stores nothing in the clear: no key material appears in any blob", async () => {
    const h = createHarness();
    const auth = await openAuthState(h.deps, REF);
    const secret = Buffer.from("super-secret-ratchet-state-0123456789");
    await auth.state.keys.set({ session: { "9.0": secret } });
    for (const key of await h.blobs.keys()) {
      const raw = Buffer.from((await h.blobs.get(key))!);
      expect(raw.includes(secret)).toBe(false);
      expect(raw.includes(Buffer.from(secret.toString("base64")))).toBe(false);
    }
  });
});
