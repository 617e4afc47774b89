// Record store and blob store of the `aws` storage adapter (core/storage/aws.ts).
// The names below are fixed: the adapter and the config resolver rely on them.

export const table = new sst.aws.Dynamo("SessionvaultTable", {
  fields: {
    pk: "string",
    sk: "string",
    gsi1pk: "string",
    gsi1sk: "string",
  },
  primaryIndex: { hashKey: "pk", rangeKey: "sk" },
  globalIndexes: {
    gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" },
  },
  ttl: "ttl",
  transform: {
    table: (args) => {
      // SST's defaults today; stated explicitly so a default change cannot flip them.
      args.billingMode = "PAY_PER_REQUEST";
      args.pointInTimeRecovery = { enabled: true };
    },
  },
});

// Public access is blocked by SST's default (no `access` set); versioning stays off:
// blob keys are immutable and carry their generation, nothing depends on versions.
export const bucket = new sst.aws.Bucket("SessionvaultBlobs");

export const bucketEncryption = new aws.s3.BucketServerSideEncryptionConfigurationV2(
  "SessionvaultBlobsEncryption",
  {
    bucket: bucket.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  },
);

// Only rule: abort multipart uploads left incomplete after a day (they are billed but invisible).
// Deliberately NO expiration rule: log (`…/wal/…`) and snapshot (`…/snap/…`) generations are
// pruned by the cleanup job, which knows which generation the session pointer references.
// An age-based expiry cannot know that: a session idle for longer than the expiry would lose
// its current snapshot, i.e. its live key material, and need a new QR scan / login code.
export const bucketLifecycle = new aws.s3.BucketLifecycleConfigurationV2("SessionvaultBlobsLifecycle", {
  bucket: bucket.name,
  rules: [
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
  ],
});
