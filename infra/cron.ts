import { SCHEDULER_EVENT } from "../functions/cleanup/scheduler-event";
import { masterKey } from "./secrets";
import { bucket, table } from "./storage";

// EventBridge Scheduler (CronV2), hourly. The function receives `event` as its payload, with
// Scheduler's `<aws.scheduler.*>` keywords filled in (see scheduler-event.ts).
export const cleanup = new sst.aws.CronV2("SessionvaultCleanup", {
  schedule: "rate(1 hour)",
  event: SCHEDULER_EVENT,
  // A failed run is retried once; the job is idempotent, and the next hour runs it anyway.
  retries: 1,
  function: {
    handler: "functions/cleanup/lambda.handler",
    runtime: "nodejs24.x",
    architecture: "arm64",
    timeout: "5 minutes",
    nodejs: { plugins: "./infra/esbuild-plugins.mjs" },
    // Same config resolution as the API's manual `POST /v1/sessions/cleanup`.
    link: [table, bucket, masterKey],
  },
});
