export { runCleanup } from "./run.js";
export { type CleanupSchedule, startCleanupSchedule } from "./schedule.js";
export { INTEGRITY_FAILED, type IntegrityResult, verifySession } from "./scrub.js";
export type { CleanupCounts, CleanupDeps, CleanupOptions } from "./types.js";
