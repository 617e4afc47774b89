import type { Dirent } from "node:fs";
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { AlreadyExistsError, ConditionFailedError, SessionvaultError, StorageError } from "../error.js";
import {
  decodeSegment,
  encodeSegment,
  isTempName,
  joinSegments,
  listDir,
  writeFileAtomic,
} from "./local-files.js";
import { withFileLock } from "./local-lock.js";
import {
  applyChange,
  clampLimit,
  conditionFailure,
  decodeCursor,
  encodeCursor,
  keyString,
} from "./record-logic.js";
import type { BlobInfo, Blobs, RecordKey, Records, Storage, StoredRecord } from "./types.js";

/**
 * The embedded adapter: records and blobs as files under one data directory
 * (`records/<pk>/<sk>.json`, `blobs/<key segments>`). Every write is atomic
 * (`writeFileAtomic`); conditional writes hold a per-record lock file, so several processes
 * on one machine may share the directory. `queryIndex` scans every record: fine for one
 * machine's worth of sessions, which is what this adapter is for.
 */
export function createLocalStorage(options: { dataDir: string }): Storage {
  return {
    records: createLocalRecords(join(options.dataDir, "records")),
    blobs: createLocalBlobs(join(options.dataDir, "blobs")),
    close: async () => {},
  };
}

export function createLocalRecords(root: string): Records {
  const pathOf = (key: RecordKey): string =>
    join(root, encodeSegment(key.pk), `${encodeSegment(key.sk)}.json`);
  const read = (key: RecordKey): Promise<StoredRecord | null> => readRecord(pathOf(key));
  const locked = <T>(key: RecordKey, work: () => Promise<T>): Promise<T> =>
    guard(() => withFileLock(`${pathOf(key)}.lock`, work));

  return {
    get: (key) => guard(() => read(key)),
    create: (record) =>
      locked(record, async () => {
        if (await read(record)) throw new AlreadyExistsError(keyString(record));
        const row: StoredRecord = { ...record, version: 1 };
        await writeFileAtomic(pathOf(record), JSON.stringify(row));
        return row;
      }),
    update: (key, change, condition) =>
      locked(key, async () => {
        const current = await read(key);
        const failure = conditionFailure(current, condition);
        if (failure || !current)
          throw new ConditionFailedError(keyString(key), failure ?? "record does not exist");
        const next = applyChange(current, change);
        await writeFileAtomic(pathOf(key), JSON.stringify(next));
        return next;
      }),
    delete: (key, condition) =>
      locked(key, async () => {
        if (condition) {
          const failure = conditionFailure(await read(key), condition);
          if (failure) throw new ConditionFailedError(keyString(key), failure);
        }
        await rm(pathOf(key), { force: true });
      }),
    query: (pk, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit);
        const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : null;
        const dir = join(root, encodeSegment(pk));
        const down = options.descending === true;
        const sks = (await listDir(dir))
          .filter((name) => name.endsWith(".json") && !isTempName(name))
          .map((name) => decodeSegment(name.slice(0, -".json".length)))
          .filter((sk) => sk.startsWith(options.skPrefix ?? ""))
          .filter((sk) => after === null || (down ? sk < after : sk > after))
          .sort();
        if (down) sks.reverse();
        const rows: StoredRecord[] = [];
        let last: string | null = null;
        for (const sk of sks) {
          if (rows.length === limit) return { items: rows, nextCursor: encodeCursor([last!]) };
          const row = await read({ pk, sk });
          if (row) rows.push(row); // deleted since the listing: skip
          last = sk;
        }
        return { items: rows, nextCursor: null };
      }),
    queryIndex: (pk, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit);
        const after = options.cursor ? decodeCursor(options.cursor, 3).join("\u0000") : null;
        const matching: StoredRecord[] = [];
        for (const pkDir of await listDir(root)) {
          for (const name of await listDir(join(root, pkDir))) {
            if (!name.endsWith(".json") || isTempName(name)) continue;
            const row = await readRecord(join(root, pkDir, name));
            if (row?.gsi1pk !== pk || row.gsi1sk === undefined) continue;
            if (options.skAtMost !== undefined && row.gsi1sk > options.skAtMost) continue;
            if (after !== null && indexOrder(row) <= after) continue;
            matching.push(row);
          }
        }
        matching.sort((a, b) => (indexOrder(a) < indexOrder(b) ? -1 : 1));
        const items = matching.slice(0, limit);
        const last = items[items.length - 1];
        const nextCursor =
          matching.length > limit && last ? encodeCursor([last.gsi1sk!, last.pk, last.sk]) : null;
        return { items, nextCursor };
      }),
  };
}

export function createLocalBlobs(root: string): Blobs {
  const pathOf = (key: string): string => joinSegments(root, splitBlobKey(key));
  return {
    put: (key, body) => guard(() => writeFileAtomic(pathOf(key), body)),
    get: (key) =>
      guard(async () => {
        try {
          return new Uint8Array(await readFile(pathOf(key)));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
          throw error;
        }
      }),
    list: (prefix, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit ?? 1000);
        const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : null;
        // Walk only the deepest directory the prefix fully names.
        const parts = prefix.split("/");
        const base = parts.slice(0, -1);
        const found: BlobInfo[] = [];
        await walk(joinSegments(root, base), base.join("/"), found);
        const keys = found
          .filter((b) => b.key.startsWith(prefix) && (after === null || b.key > after))
          .sort((a, b) => (a.key < b.key ? -1 : 1));
        const items = keys.slice(0, limit);
        const last = items[items.length - 1];
        return { items, nextCursor: keys.length > limit && last ? encodeCursor([last.key]) : null };
      }),
    delete: (key) => guard(() => rm(pathOf(key), { force: true })),
  };
}

// --- Internal helpers ---

async function readRecord(path: string): Promise<StoredRecord | null> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as StoredRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function indexOrder(r: StoredRecord): string {
  return [r.gsi1sk ?? "", r.pk, r.sk].join("\u0000");
}

function splitBlobKey(key: string): string[] {
  const parts = key.split("/");
  if (key.length === 0 || parts.some((p) => p.length === 0))
    throw new RangeError(`invalid blob key '${key}'`);
  return parts;
}

async function walk(dir: string, keyPrefix: string, out: BlobInfo[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === "ENOENT" ||
      (error as NodeJS.ErrnoException).code === "ENOTDIR"
    )
      return;
    throw error;
  }
  for (const entry of entries) {
    if (isTempName(entry.name) || entry.name.endsWith(".lock")) continue;
    const key = keyPrefix ? `${keyPrefix}/${decodeSegment(entry.name)}` : decodeSegment(entry.name);
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, key, out);
    else out.push({ key, size: (await stat(path)).size });
  }
}

/** Domain errors pass through; anything else from the file system is a `StorageError`. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionvaultError || error instanceof RangeError) throw error;
    throw new StorageError(`local storage failed: ${(error as Error).message}`, error);
  }
}
