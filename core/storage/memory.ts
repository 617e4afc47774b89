import { AlreadyExistsError, ConditionFailedError } from "../error.js";
import {
  applyChange,
  clampLimit,
  conditionFailure,
  decodeCursor,
  encodeCursor,
  keyString,
} from "./record-logic.js";
import type { BlobInfo, Blobs, Page, Records, Storage, StoredRecord } from "./types.js";

/**
 * In-memory adapter: the reference implementation of the port for unit tests.
 * Passes the same contract suite as `local` and `aws`; nothing survives the process.
 */
export function createMemoryStorage(): Storage {
  return { records: createMemoryRecords(), blobs: createMemoryBlobs(), close: async () => {} };
}

export function createMemoryRecords(): Records {
  const rows = new Map<string, StoredRecord>();
  const copy = (r: StoredRecord): StoredRecord => structuredClone(r);
  return {
    async get(key) {
      const row = rows.get(keyString(key));
      return row ? copy(row) : null;
    },
    async create(record) {
      const id = keyString(record);
      if (rows.has(id)) throw new AlreadyExistsError(id);
      const row: StoredRecord = { ...structuredClone(record), version: 1 };
      rows.set(id, row);
      return copy(row);
    },
    async update(key, change, condition) {
      const id = keyString(key);
      const current = rows.get(id) ?? null;
      const failure = conditionFailure(current, condition);
      if (failure || !current) throw new ConditionFailedError(id, failure ?? "record does not exist");
      const next = applyChange(current, structuredClone(change));
      rows.set(id, next);
      return copy(next);
    },
    async delete(key, condition) {
      const id = keyString(key);
      const current = rows.get(id) ?? null;
      if (condition) {
        const failure = conditionFailure(current, condition);
        if (failure) throw new ConditionFailedError(id, failure);
      }
      rows.delete(id);
    },
    async query(pk, options = {}) {
      const limit = clampLimit(options.limit);
      const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : null;
      const down = options.descending === true;
      const matching = [...rows.values()]
        .filter((r) => r.pk === pk && r.sk.startsWith(options.skPrefix ?? ""))
        .filter((r) => after === null || (down ? r.sk < after : r.sk > after))
        .sort((a, b) => (down ? compare(b.sk, a.sk) : compare(a.sk, b.sk)));
      return paginate(matching, limit, (r) => [r.sk], copy);
    },
    async queryIndex(pk, options = {}) {
      const limit = clampLimit(options.limit);
      const after = options.cursor ? decodeCursor(options.cursor, 3) : null;
      const matching = [...rows.values()]
        .filter((r) => r.gsi1pk === pk && r.gsi1sk !== undefined)
        .filter((r) => options.skAtMost === undefined || r.gsi1sk! <= options.skAtMost)
        .sort((a, b) => compare(indexOrder(a), indexOrder(b)))
        .filter((r) => after === null || compare(indexOrder(r), after.join("\u0000")) > 0);
      return paginate(matching, limit, (r) => [r.gsi1sk!, r.pk, r.sk], copy);
    },
  };
}

export function createMemoryBlobs(): Blobs {
  const blobs = new Map<string, Uint8Array>();
  return {
    async put(key, body) {
      blobs.set(key, new Uint8Array(body));
    },
    async get(key) {
      const body = blobs.get(key);
      return body ? new Uint8Array(body) : null;
    },
    async list(prefix, options = {}) {
      const limit = clampLimit(options.limit ?? 1000);
      const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : null;
      const keys = [...blobs.keys()]
        .filter((k) => k.startsWith(prefix) && (after === null || k > after))
        .sort(compare);
      return paginate(
        keys,
        limit,
        (k) => [k],
        (k): BlobInfo => ({ key: k, size: blobs.get(k)!.byteLength }),
      );
    },
    async delete(key) {
      blobs.delete(key);
    },
  };
}

// --- Internal helpers ---

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function indexOrder(r: StoredRecord): string {
  return [r.gsi1sk ?? "", r.pk, r.sk].join("\u0000");
}

function paginate<T, U>(
  rows: T[],
  limit: number,
  position: (row: T) => string[],
  map: (row: T) => U,
): Page<U> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(position(last)) : null;
  return { items: items.map(map), nextCursor };
}
