/**
 * The storage port. The rest of the code sees only these two interfaces; adapters
 * (`local.ts`, `dynamo.ts`, `s3.ts`) implement them and pass one shared contract suite
 * (`test/contract/storage-contract.ts`).
 */

/** Scalar attribute values a record may hold. Nested objects are allowed and stored as-is. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attrs = Record<string, AttrValue>;

export interface RecordKey {
  /** Partition: every tenant-owned record uses `t#<tenantId>` so one query never crosses tenants. */
  pk: string;
  /** Sort key inside the partition, e.g. `wa#<sessionId>`. */
  sk: string;
}

export interface StoredRecord extends RecordKey {
  /** Starts at 1 on create and grows by exactly 1 on every successful update. */
  version: number;
  attrs: Attrs;
  /** Secondary index: records with `gsi1pk` set are found by `queryIndex`. */
  gsi1pk?: string;
  gsi1sk?: string;
  /** Unix seconds; the backend may delete the record after it (DynamoDB TTL). Readers ignore expired ones themselves. */
  ttl?: number;
}

export interface NewRecord extends RecordKey {
  attrs: Attrs;
  gsi1pk?: string;
  gsi1sk?: string;
  ttl?: number;
}

export interface UpdateChange {
  /** Attributes to set (shallow merge into `attrs`). */
  set?: Attrs;
  /** Attribute names to remove from `attrs`. */
  remove?: string[];
  /** New index keys; `null` removes the record from the index. */
  gsi1?: { pk: string; sk: string } | null;
  ttl?: number | null;
}

export interface UpdateCondition {
  /** The record's `version` must equal this. */
  version?: number;
  /** Each named attribute must equal the given scalar (`null` = absent or null). */
  equals?: Record<string, string | number | boolean | null>;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. `null` when there is none. */
  nextCursor: string | null;
}

export interface QueryOptions {
  /** Only sort keys starting with this. */
  skPrefix?: string;
  /** Newest first, for sort keys that grow with time: descending sort-key order. Default false. */
  descending?: boolean;
  /** Page size, 1..1000. Default 100. */
  limit?: number;
  cursor?: string | null;
}

export interface IndexQueryOptions {
  /** Only index sort keys <= this (lexicographic). */
  skAtMost?: string;
  limit?: number;
  cursor?: string | null;
}

export interface Records {
  /** The record, or `null` when absent. Throws `StorageError` on backend failure, never returns null for it. */
  get(key: RecordKey): Promise<StoredRecord | null>;
  /** Creates the record with version 1. **MUST** throw `AlreadyExistsError` if the key exists. */
  create(record: NewRecord): Promise<StoredRecord>;
  /**
   * Applies `change` atomically if the record exists and `condition` holds, bumping `version` by 1.
   * Throws `ConditionFailedError` when the record is absent or the condition does not hold; nothing is written then.
   */
  update(key: RecordKey, change: UpdateChange, condition?: UpdateCondition): Promise<StoredRecord>;
  /** Deletes the record. With a condition, throws `ConditionFailedError` when it does not hold. Absent + no condition = no-op. */
  delete(key: RecordKey, condition?: UpdateCondition): Promise<void>;
  /** Records of one partition in sort-key order, paginated. */
  query(pk: string, options?: QueryOptions): Promise<Page<StoredRecord>>;
  /** Records whose `gsi1pk` equals `pk`, in `gsi1sk` order, paginated. Eventually consistent on DynamoDB. */
  queryIndex(pk: string, options?: IndexQueryOptions): Promise<Page<StoredRecord>>;
}

export interface BlobInfo {
  key: string;
  size: number;
}

export interface Blobs {
  /** Stores the bytes under `key` durably before resolving. Keys are immutable by convention: writers never overwrite. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** The bytes, or `null` when absent. Any other failure throws `StorageError`. */
  get(key: string): Promise<Uint8Array | null>;
  /** Keys starting with `prefix`, in key order, paginated (a page holds at most 1000). */
  list(prefix: string, options?: { cursor?: string | null; limit?: number }): Promise<Page<BlobInfo>>;
  /** Deletes the blob; absent is a no-op. */
  delete(key: string): Promise<void>;
}

export interface Storage {
  records: Records;
  blobs: Blobs;
  /** Releases sockets / file handles. */
  close(): Promise<void>;
}
