import { masterKey } from "./secrets";
import { bucket, table } from "./storage";

// sst@3.19.3 has no CronV2 (checked in .sst/platform/src/components/aws/): `Cron` is an
// EventBridge rule + target that invokes the function with a "Scheduled Event".
export const cleanup = new sst.aws.Cron("SessionvaultCleanup", {
  schedule: "rate(1 hour)",
  function: {
    handler: "functions/cleanup/lambda.handler",
    runtime: "nodejs20.x",
    architecture: "arm64",
    timeout: "5 minutes",
    // Same config resolution as the API's manual `POST /v1/sessions/cleanup`.
    link: [table, bucket, masterKey],
  },
});
