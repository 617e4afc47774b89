import { createAwsStorage } from "../storage/aws.js";
import { createLocalStorage } from "../storage/local.js";
import type { Storage } from "../storage/types.js";
import type { Config } from "./types.js";

/** The storage adapter the configuration names. */
export function createStorageFromConfig(config: Pick<Config, "storage">): Storage {
  const s = config.storage;
  if (s.kind === "local") return createLocalStorage({ dataDir: s.dataDir });
  const local = s.dynamoEndpoint !== undefined || s.s3Endpoint !== undefined;
  return createAwsStorage({
    table: s.table,
    bucket: s.bucket,
    region: s.region,
    ...(s.dynamoEndpoint ? { dynamoEndpoint: s.dynamoEndpoint } : {}),
    ...(s.s3Endpoint ? { s3Endpoint: s.s3Endpoint } : {}),
    // Local servers accept any signature; in AWS the default credential chain applies.
    ...(local && !process.env.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } }
      : {}),
  });
}
