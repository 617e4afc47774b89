import { randomBytes } from "node:crypto";
import { createMemoryStorage } from "../../core/storage/memory.js";
import type { Blobs, Records } from "../../core/storage/types.js";
import { createVault, type Vault } from "../../core/vault/vault.js";

/** Blobs that record every put/delete and can be made to fail or be corrupted. */
export interface InstrumentedBlobs extends Blobs {
  puts: string[];
  deletes: string[];
  /** The next `count` puts throw `error`. */
  failPuts(error: Error, count?: number): void;
  /** Every later put takes this long (a slow disk or network). */
  putDelayMs: number;
  /** Flips one byte of the stored (sealed) blob, like bit rot or a bad disk. */
  flipByte(key: string, at?: number): Promise<void>;
  /** Every stored key under `prefix`. */
  keys(prefix?: string): Promise<string[]>;
}

export interface Harness {
  records: Records;
  blobs: InstrumentedBlobs;
  vault: Vault;
  masterKey: Uint8Array;
  deps: { records: Records; vault: Vault; clock: () => number };
}

/** A memory storage with an instrumented blob store and a vault over it. */
export function createHarness(): Harness {
  const storage = createMemoryStorage();
  const blobs = instrumentBlobs(storage.blobs);
  const masterKey = randomBytes(32);
  const vault = createVault(blobs, masterKey);
  let now = 1_700_000_000_000;
  return {
    records: storage.records,
    blobs,
    vault,
    masterKey,
    deps: { records: storage.records, vault, clock: () => now++ },
  };
}

export function instrumentBlobs(inner: Blobs): InstrumentedBlobs {
  const puts: string[] = [];
  const deletes: string[] = [];
  let failure: { error: Error; left: number } | null = null;
  const keys = async (prefix = ""): Promise<string[]> => {
    const out: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await inner.list(prefix, { cursor });
      out.push(...page.items.map((b) => b.key));
      cursor = page.nextCursor;
    } while (cursor !== null);
    return out;
  };
  return {
    puts,
    deletes,
    putDelayMs: 0,
    async put(key, body) {
      if (this.putDelayMs > 0) await new Promise((r) => setTimeout(r, this.putDelayMs));
      if (failure && failure.left > 0) {
        failure.left--;
        throw failure.error;
      }
      puts.push(key);
      await inner.put(key, body);
    },
    get: (key) => inner.get(key),
    list: (prefix, options) => inner.list(prefix, options),
    async delete(key) {
      deletes.push(key);
      await inner.delete(key);
    },
    failPuts(error, count = 1) {
      failure = { error, left: count };
    },
    async flipByte(key, at) {
      const body = await inner.get(key);
      if (!body) throw new Error(`no blob ${key}`);
      const i = at ?? Math.floor(body.length / 2);
      body[i] = body[i]! ^ 0x01;
      await inner.put(key, body);
    },
    keys,
  };
}

export const REF = { tenantId: "ten_1", sessionId: "wa_main" };

/** A Signal-session-sized buffer. */
export function sessionBytes(size = 600): Buffer {
  return randomBytes(size);
}
