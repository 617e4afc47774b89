import { createDynamoRecords } from "./dynamo.js";
import { createS3Blobs } from "./s3.js";
import type { Storage } from "./types.js";

export interface AwsStorageOptions {
  table: string;
  bucket: string;
  region: string;
  /** Overrides for local servers (DynamoDB Local, s3rver); unset in AWS. */
  dynamoEndpoint?: string;
  s3Endpoint?: string;
  /** Static credentials for local servers; in AWS the default provider chain is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The aws adapter: records in DynamoDB, blobs in S3. */
export function createAwsStorage(options: AwsStorageOptions): Storage {
  const base = {
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 5,
  };
  const dynamo = createDynamoRecords({
    table: options.table,
    client: { ...base, ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint } : {}) },
  });
  const s3 = createS3Blobs({
    bucket: options.bucket,
    client: {
      ...base,
      ...(options.s3Endpoint ? { endpoint: options.s3Endpoint, forcePathStyle: true } : {}),
    },
  });
  return {
    records: dynamo.records,
    blobs: s3.blobs,
    close: async () => {
      dynamo.close();
      s3.close();
    },
  };
}
