import type { Logger } from "pino";
import { runCleanup } from "./run.js";
import type { CleanupCounts, CleanupDeps } from "./types.js";

/**
 * The cleanup job on a timer, for long-running processes that have no EventBridge schedule:
 * `npm start`, and the connector image run with `docker run` (DESIGN §7; seed 003 asks for an
 * hourly run, seed 001 for a regular integrity check). The first run is one period after start;
 * a run still going when the next is due is not doubled. A failed run is logged and the next one
 * tries again.
 */
export interface CleanupSchedule {
  stop(): void;
}

export function startCleanupSchedule(
  deps: CleanupDeps & { logger: Pick<Logger, "info" | "warn"> },
  options: { everyMs: number; unpairedTtlMs?: number; onRun?: (counts: CleanupCounts) => void },
): CleanupSchedule {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    const startedAt = deps.clock();
    try {
      const counts = await runCleanup(deps, {
        now: startedAt,
        ...(options.unpairedTtlMs ? { unpairedTtlMs: options.unpairedTtlMs } : {}),
      });
      deps.logger.info({ ms: deps.clock() - startedAt, ...counts }, "cleanup: scheduled run");
      options.onRun?.(counts);
    } catch (error) {
      deps.logger.warn({ code: (error as { code?: string }).code }, "cleanup: scheduled run failed");
    } finally {
      running = false;
    }
  }, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
