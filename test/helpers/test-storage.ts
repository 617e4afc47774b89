import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { inject } from "vitest";
import { type AwsStorageOptions, createAwsStorage } from "../../core/storage/aws.js";
import { tableDefinition } from "../../core/storage/dynamo-schema.js";
import { createLocalStorage } from "../../core/storage/local.js";
import type { Storage } from "../../core/storage/types.js";
import { LOCAL_AWS_CREDENTIALS, LOCAL_AWS_REGION } from "./local-aws.js";

export type AdapterName = "local" | "aws";

/** The adapters every storage-facing suite runs on (`describe.each(ADAPTERS)`). */
export const ADAPTERS: AdapterName[] = ["local", "aws"];

export interface TestStorage {
  storage: Storage;
  /** Options a child process needs to open the same storage. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

/** A fresh, empty storage on the named adapter: a temp dir, or a new table + bucket on the local AWS servers. */
export async function createTestStorage(adapter: AdapterName): Promise<TestStorage> {
  return adapter === "local" ? createTestLocalStorage() : createTestAwsStorage();
}

export async function createTestLocalStorage(): Promise<TestStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), "sv-local-"));
  return {
    storage: createLocalStorage({ dataDir }),
    env: { SESSIONVAULT_STORAGE: "local", SESSIONVAULT_DATA_DIR: dataDir },
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

export async function createTestAwsStorage(): Promise<TestStorage> {
  const options = await createAwsTestResources();
  const storage = createAwsStorage(options);
  return {
    storage,
    env: {
      SESSIONVAULT_STORAGE: "aws",
      SESSIONVAULT_TABLE: options.table,
      SESSIONVAULT_BUCKET: options.bucket,
      AWS_REGION: options.region,
      SESSIONVAULT_DYNAMO_ENDPOINT: options.dynamoEndpoint!,
      SESSIONVAULT_S3_ENDPOINT: options.s3Endpoint!,
      AWS_ACCESS_KEY_ID: LOCAL_AWS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS_CREDENTIALS.secretAccessKey,
    },
    dispose: () => storage.close(),
  };
}

/** Creates a uniquely named table and bucket on the servers started by the global setup. */
export async function createAwsTestResources(): Promise<AwsStorageOptions> {
  const { dynamoEndpoint, s3Endpoint } = inject("localAws");
  const suffix = randomBytes(6).toString("hex");
  const options: AwsStorageOptions = {
    table: `sv-test-${suffix}`,
    bucket: `sv-test-${suffix}`,
    region: LOCAL_AWS_REGION,
    dynamoEndpoint,
    s3Endpoint,
    credentials: LOCAL_AWS_CREDENTIALS,
  };
  const common = { region: LOCAL_AWS_REGION, credentials: LOCAL_AWS_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...common, endpoint: dynamoEndpoint });
  const s3 = new S3Client({ ...common, endpoint: s3Endpoint, forcePathStyle: true });
  try {
    await dynamo.send(new CreateTableCommand(tableDefinition(options.table)));
    await s3.send(new CreateBucketCommand({ Bucket: options.bucket }));
  } finally {
    dynamo.destroy();
    s3.destroy();
  }
  return options;
}
