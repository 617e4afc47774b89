import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
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
  const s3 = new S3Client(options.client);
  const Bucket = options.bucket;
  const blobs: Blobs = {
    put: (key, body) =>
      guard(async () => {
        await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: body }));
      }),
    get: (key) =>
      guard(async () => {
        try {
          const out = await s3.send(new GetObjectCommand({ Bucket, Key: key }));
          return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
        } catch (error) {
          if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return null;
          throw error;
        }
      }),
    list: (prefix, options = {}) =>
      guard(async () => {
        const limit = clampLimit(options.limit ?? 1000);
        const after = options.cursor ? decodeCursor(options.cursor, 1)[0]! : undefined;
        const out = await s3.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, StartAfter: after, MaxKeys: limit }),
        );
        const items = (out.Contents ?? []).map((o) => ({ key: o.Key!, size: o.Size ?? 0 }));
        const last = items[items.length - 1];
        return { items, nextCursor: out.IsTruncated && last ? encodeCursor([last.key]) : null };
      }),
    delete: (key) =>
      guard(async () => {
        await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
      }),
  };
  return { blobs, close: () => s3.destroy() };
}

// --- Internal helpers ---

async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionvaultError || error instanceof RangeError) throw error;
    throw new StorageError(`S3 request failed: ${(error as Error).name}: ${(error as Error).message}`, error);
  }
}
