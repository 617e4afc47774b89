import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  BlobCorruptError,
  BlobMissingError,
  ConditionFailedError,
} from "../../core/error.js";
import { InvalidCursorError } from "../../core/storage/record-logic.js";
import type { Page, Storage, StoredRecord } from "../../core/storage/types.js";
import { createVault } from "../../core/vault/vault.js";

/**
 * The storage port's contract. Every adapter runs exactly this suite; an adapter that
 * needs a special case here is a broken adapter.
 */
export function runStorageContract(
  adapter: string,
  open: () => Promise<{ storage: Storage; dispose(): Promise<void> }>,
): void {
  describe(`storage contract [${adapter}]`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    const pk = (): string => `t#${randomBytes(4).toString("hex")}`;

    beforeAll(async () => {
      ({ storage, dispose } = await open());
    });
    afterAll(async () => {
      await storage.close();
      await dispose();
    });

    it("get of an absent record is null", async () => {
      expect(await storage.records.get({ pk: pk(), sk: "x" })).toBeNull();
    });

    it("create stores version 1 and put-if-absent refuses a second create", async () => {
      const key = { pk: pk(), sk: "wa#s1" };
      const made = await storage.records.create({ ...key, attrs: { status: "pending", n: 1 } });
      expect(made.version).toBe(1);
      await expect(storage.records.create({ ...key, attrs: { status: "other" } })).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      expect((await storage.records.get(key))?.attrs).toEqual({ status: "pending", n: 1 });
    });

    it("update bumps the version, merges set and applies remove", async () => {
      const key = { pk: pk(), sk: "r" };
      await storage.records.create({ ...key, attrs: { a: 1, b: "keep", c: true } });
      const next = await storage.records.update(
        key,
        { set: { a: 2, d: { nested: [1, "x"] } }, remove: ["c"] },
        { version: 1 },
      );
      expect(next.version).toBe(2);
      expect(next.attrs).toEqual({ a: 2, b: "keep", d: { nested: [1, "x"] } });
      expect(await storage.records.get(key)).toMatchObject({ version: 2, attrs: next.attrs });
    });

    it("update with a stale version fails with a typed error and writes nothing", async () => {
      const key = { pk: pk(), sk: "r" };
      await storage.records.create({ ...key, attrs: { a: 1 } });
      await storage.records.update(key, { set: { a: 2 } }, { version: 1 });
      await expect(storage.records.update(key, { set: { a: 99 } }, { version: 1 })).rejects.toBeInstanceOf(
        ConditionFailedError,
      );
      expect(await storage.records.get(key)).toMatchObject({ version: 2, attrs: { a: 2 } });
    });

    it("equals conditions compare attribute values, null meaning absent", async () => {
      const key = { pk: pk(), sk: "lease" };
      await storage.records.create({ ...key, attrs: { epoch: 3, owner: "c1" } });
      await expect(
        storage.records.update(key, { set: { epoch: 4 } }, { equals: { epoch: 2 } }),
      ).rejects.toBeInstanceOf(ConditionFailedError);
      await expect(
        storage.records.update(key, { set: { x: 1 } }, { equals: { missing: "v" } }),
      ).rejects.toBeInstanceOf(ConditionFailedError);
      const ok = await storage.records.update(
        key,
        { set: { epoch: 4 } },
        { equals: { epoch: 3, owner: "c1", missing: null } },
      );
      expect(ok.attrs.epoch).toBe(4);
    });

    it("update of an absent record fails with the typed error", async () => {
      await expect(
        storage.records.update({ pk: pk(), sk: "none" }, { set: { a: 1 } }),
      ).rejects.toBeInstanceOf(ConditionFailedError);
    });

    it("of many concurrent compare-and-swaps on one version exactly one wins", async () => {
      const key = { pk: pk(), sk: "race" };
      await storage.records.create({ ...key, attrs: { owner: null } });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          storage.records.update(key, { set: { owner: `c${i}` } }, { version: 1 }),
        ),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results)
        if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ConditionFailedError);
      expect((await storage.records.get(key))?.version).toBe(2);
    });

    it("conditional delete refuses a stale version; unconditional delete of absent is a no-op", async () => {
      const key = { pk: pk(), sk: "d" };
      await storage.records.create({ ...key, attrs: {} });
      await expect(storage.records.delete(key, { version: 7 })).rejects.toBeInstanceOf(ConditionFailedError);
      await storage.records.delete(key, { version: 1 });
      expect(await storage.records.get(key)).toBeNull();
      await storage.records.delete(key);
    });

    it("query pages through one partition in sort-key order, filtered by prefix, never leaking another", async () => {
      const mine = pk();
      const other = pk();
      for (let i = 0; i < 23; i++) {
        await storage.records.create({ pk: mine, sk: `wa#${String(i).padStart(3, "0")}`, attrs: { i } });
      }
      await storage.records.create({ pk: mine, sk: "tg#1", attrs: {} });
      await storage.records.create({ pk: other, sk: "wa#000", attrs: { foreign: true } });
      const pages = await drain((cursor) =>
        storage.records.query(mine, { skPrefix: "wa#", limit: 10, cursor }),
      );
      expect(pages.map((p) => p.items.length)).toEqual([10, 10, 3]);
      const sks = pages.flatMap((p) => p.items.map((r) => r.sk));
      expect(sks).toEqual([...sks].sort());
      expect(sks).toHaveLength(23);
      expect(pages.flatMap((p) => p.items).every((r) => r.pk === mine)).toBe(true);
    });

    it("a descending query pages newest first, within the prefix, and a cursor carries on from there", async () => {
      const mine = pk();
      for (let i = 0; i < 23; i++) {
        await storage.records.create({ pk: mine, sk: `whd#h1#${String(i).padStart(3, "0")}`, attrs: { i } });
      }
      await storage.records.create({ pk: mine, sk: "whd#h2#999", attrs: {} }); // after the prefix
      await storage.records.create({ pk: mine, sk: "whd#h0#999", attrs: {} }); // before it
      const pages = await drain((cursor) =>
        storage.records.query(mine, { skPrefix: "whd#h1#", limit: 10, cursor, descending: true }),
      );
      expect(pages.map((p) => p.items.length)).toEqual([10, 10, 3]);
      const order = pages.flatMap((p) => p.items.map((r) => r.attrs.i));
      expect(order).toEqual(Array.from({ length: 23 }, (_, n) => 22 - n));
    });

    it("queryIndex finds records by gsi1 in order, bounded above, paginated, and drops removed entries", async () => {
      const idx = `idx#${randomBytes(4).toString("hex")}`;
      const part = pk();
      for (let i = 0; i < 12; i++) {
        await storage.records.create({
          pk: part,
          sk: `s${i}`,
          attrs: {},
          gsi1pk: idx,
          gsi1sk: String(1000 + i),
        });
      }
      await storage.records.update({ pk: part, sk: "s0" }, { gsi1: null });
      const pages = await drain((cursor) =>
        storage.records.queryIndex(idx, { skAtMost: "1009", limit: 4, cursor }),
      );
      const found = pages.flatMap((p) => p.items.map((r: StoredRecord) => r.gsi1sk));
      expect(found).toEqual(["1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"]);
      expect(pages.length).toBe(3);
    });

    it("a malformed cursor is a typed caller error", async () => {
      await expect(storage.records.query(pk(), { cursor: "not-a-cursor" })).rejects.toBeInstanceOf(
        InvalidCursorError,
      );
    });

    it("blobs: put, get, absent is null, delete", async () => {
      const key = `t/${randomBytes(4).toString("hex")}/wa/s1/snap/1`;
      expect(await storage.blobs.get(key)).toBeNull();
      const body = randomBytes(300);
      await storage.blobs.put(key, body);
      expect(Buffer.from((await storage.blobs.get(key))!)).toEqual(body);
      await storage.blobs.delete(key);
      expect(await storage.blobs.get(key)).toBeNull();
      await storage.blobs.delete(key);
    });

    it("lists blobs by prefix beyond 1,000 keys, in key order, without siblings", async () => {
      const root = `t/${randomBytes(4).toString("hex")}/wa`;
      const keys = Array.from({ length: 1050 }, (_, i) => `${root}/s1/wal/${String(i).padStart(6, "0")}`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(keys.slice(i, i + 50).map((k) => storage.blobs.put(k, Buffer.from("x"))));
      }
      await storage.blobs.put(`${root}/s10/wal/000001`, Buffer.from("sibling"));
      const pages = await drain((cursor) => storage.blobs.list(`${root}/s1/`, { cursor }));
      const listed = pages.flatMap((p) => p.items.map((b) => b.key));
      expect(pages.length).toBeGreaterThan(1);
      expect(listed).toEqual(keys);
      expect(pages[0]!.items[0]!.size).toBe(1);
    });

    it("through the vault, a missing blob and a corrupt blob are different typed errors", async () => {
      const vault = createVault(storage.blobs, randomBytes(32));
      const key = `t/${randomBytes(4).toString("hex")}/wa/s1/snap/2`;
      await expect(vault.get(key)).rejects.toBeInstanceOf(BlobMissingError);
      await vault.put(key, Buffer.from("creds"));
      expect(Buffer.from(await vault.get(key)).toString()).toBe("creds");
      const sealed = Buffer.from((await storage.blobs.get(key))!);
      sealed[sealed.length - 20]! ^= 0x01;
      await storage.blobs.put(key, sealed);
      const error = await vault.get(key).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobCorruptError);
      expect((error as BlobCorruptError).blob).toBe(key);
    });
  });
}

async function drain<T>(next: (cursor: string | null) => Promise<Page<T>>): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let cursor: string | null = null;
  do {
    const page = await next(cursor);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}
