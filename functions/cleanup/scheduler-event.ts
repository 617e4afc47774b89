/**
 * The payload `infra/cron.ts` has EventBridge Scheduler send to the cleanup function. Scheduler
 * replaces each `<aws.scheduler.*>` keyword with its value on every invocation, so the run's log
 * line names the schedule, the planned time, the execution and the attempt. The job itself needs
 * none of it ("now" is the clock's): a manual invoke with `{}` runs the same cleanup.
 */
export const SCHEDULER_EVENT = {
  source: "sessionvault.cleanup",
  scheduleArn: "<aws.scheduler.schedule-arn>",
  scheduledTime: "<aws.scheduler.scheduled-time>",
  executionId: "<aws.scheduler.execution-id>",
  attempt: "<aws.scheduler.attempt-number>",
} as const;

/** What the function receives: the template with the keywords filled in, or anything a person sends. */
export type CleanupEvent = { [K in keyof typeof SCHEDULER_EVENT]?: string };
