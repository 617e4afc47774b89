import { open, seal } from "../crypto/envelope.js";
import { BlobMissingError } from "../error.js";
import type { BlobInfo, Blobs, Page } from "../storage/types.js";

/**
 * Encrypted blobs. Every byte that reaches the `Blobs` port goes through here, sealed
 * with the blob key as its identity (see `crypto/envelope.ts`). `seal`/`open` do the same for
 * the few secrets small enough to live inside a record (a QR string, a pairing code).
 */
export interface Vault {
  /** Seals and stores; resolves once the backend has the bytes. */
  put(key: string, plaintext: Uint8Array): Promise<void>;
  /** Opens the blob. Throws `BlobMissingError` if absent, `BlobCorruptError` if it fails to authenticate. */
  get(key: string): Promise<Uint8Array>;
  /** Like `get`, but absent is `null` (corrupt still throws). */
  find(key: string): Promise<Uint8Array | null>;
  list(prefix: string, options?: { cursor?: string | null; limit?: number }): Promise<Page<BlobInfo>>;
  /** Every key under `prefix`, following pagination to the end. */
  listAll(prefix: string): Promise<BlobInfo[]>;
  delete(key: string): Promise<void>;
  /** Seals a value under the master key, bound to `identity` (it only opens under the same one). */
  seal(identity: string, plaintext: Uint8Array): Uint8Array;
  /** Opens what `seal` sealed under `identity`. Throws `BlobCorruptError` if it fails to authenticate. */
  open(identity: string, sealed: Uint8Array): Uint8Array;
}

export function createVault(blobs: Blobs, masterKey: Uint8Array): Vault {
  const find = async (key: string): Promise<Uint8Array | null> => {
    const sealed = await blobs.get(key);
    return sealed === null ? null : open(masterKey, key, sealed);
  };
  return {
    put: (key, plaintext) => blobs.put(key, seal(masterKey, key, plaintext)),
    find,
    async get(key) {
      const plain = await find(key);
      if (plain === null) throw new BlobMissingError(key);
      return plain;
    },
    list: (prefix, options) => blobs.list(prefix, options),
    async listAll(prefix) {
      const all: BlobInfo[] = [];
      let cursor: string | null = null;
      // Stopping early would silently hide blobs from cleanup and export.
      do {
        const page: Page<BlobInfo> = await blobs.list(prefix, { cursor, limit: 1000 });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    },
    delete: (key) => blobs.delete(key),
    seal: (identity, plaintext) => seal(masterKey, identity, plaintext),
    open: (identity, sealed) => open(masterKey, identity, sealed),
  };
}
