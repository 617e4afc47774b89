import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { SessionvaultError, StorageError } from "../error.js";
import { clampLimit, decodeCursor, encodeCursor } from "./record-logic.js";
import type { Blobs } from "./types.js";

/**
 * Blobs in one S3 bucket. Keys are immutable by convention, so nothing here relies on
 * S3 conditional writes or versioning (DESIGN §3).
 */
export function createS3Blobs(options: { bucket: string; client: S3ClientConfig }): {
  blobs: Blobs;
  close(): void;
} {
  // The S3 SDK is over 100 KiB of the API Lambda's bundle, and most requests (auth, lists,
  // status, QR) never touch a blob: it is imported, and the client built, on first use.
  let client: S3Client | undefined;
  let loading: Promise<{ sdk: S3Sdk; s3: S3Client }> | undefined;
  const connect = () =>
    (loading ??= import("@aws-sdk/client-s3").then(
      (module) => {
        client = new module.S3Client(options.client);
        return { sdk: module, s3: client };
      },
      (error: unknown) => {
        loading = undefined; // a failed load is retried by the next call
        throw error;
      },
    ));
  const Bucket = options.bucket;
  const blobs: Blobs = {
    put: (key, body) =>
      guard(async () => {
        const { sdk, s3 } = await connect();
        await s3.send(new sdk.PutObjectCommand({ Bucket, Key: key, Body: body }));
      }),
    get: (key) =>
      guard(async () => {
        const { sdk, s3 } = await connect();
        try {
          const out = await s3.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
          return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        } catch (error) {
          if (error instanceof sdk.NoSuchKey || (error as { name?: string }).name === "NoSuchKey")
            return null;
          throw error;
        }
      }),
    list: (prefix, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit ?? 1000);
        const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : undefined;
        const { sdk, s3 } = await connect();
        const out = await s3.send(
          new sdk.ListObjectsV2Command({ Bucket, Prefix: prefix, StartAfter: after, MaxKeys: limit }),
        );
        const items = (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
        const last = items[items.length - 1];
        return { items, nextCursor: out.IsTruncated && last ? encodeCursor([last.key]) : null };
      }),
    delete: (key) =>
      guard(async () => {
        const { sdk, s3 } = await connect();
        await s3.send(new sdk.DeleteObjectCommand({ Bucket, Key: key }));
      }),
  };
  return { blobs, close: () => client?.destroy() };
}

type S3Sdk = typeof import("@aws-sdk/client-s3");

// --- Internal helpers ---

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionvaultError || error instanceof RangeError) throw error;
    throw new StorageError(`S3 request failed: ${(error as Error).name}: ${(error as Error).message}`, error);
  }
}
