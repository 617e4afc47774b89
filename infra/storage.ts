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

/** Days a pruned or wiped blob stays recoverable (as a noncurrent version) before S3 deletes it. */
export const prunedRetentionDays = 7;

// Public access is blocked by SST's default (no `access` set). Versioning is on for one reason:
// when the cleanup job prunes a generation (or a logout wipes a session), the blob becomes a
// noncurrent version instead of vanishing, so a pruning bug or a wrong delete can be undone for
// `prunedRetentionDays`. WhatsApp log and snapshot keys carry their generation and are never
// rewritten; the few blobs that are (a Telegram login attempt, a webhook secret) keep their
// previous version for as long. Every noncurrent version is sealed under the master key.
export const bucket = new sst.aws.Bucket("SessionvaultBlobs", { versioning: true });

export const bucketEncryption = new aws.s3.BucketServerSideEncryptionConfiguration(
  "SessionvaultBlobsEncryption",
  {
    bucket: bucket.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  },
);

// Deliberately NO expiry of current objects: log (`…/wal/…`) and snapshot (`…/snap/…`)
// generations are pruned by the cleanup job, which knows which generation the session pointer
// references. An age-based expiry cannot know that: a session idle for longer than the expiry
// would lose its current snapshot, i.e. its live key material, and need a new QR scan or code.
// The lifecycle only finishes what the job started: it removes pruned generations for good.
export const bucketLifecycle = new aws.s3.BucketLifecycleConfiguration("SessionvaultBlobsLifecycle", {
  bucket: bucket.name,
  rules: [
    {
      id: "expire-pruned-generations",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: prunedRetentionDays },
      // The delete marker left once its last noncurrent version has expired.
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      // Billed but invisible; the adapter sends single PutObjects, this only guards against leftovers.
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    },
  ],
});
