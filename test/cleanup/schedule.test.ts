import "@hono/zod-openapi"; // first: core schemas built after it carry `.openapi` (zod 4 binds it per instance)
import { describe, expect, it } from "vitest";
import { type CleanupCounts, startCleanupSchedule } from "../../core/cleanup/index.js";
import { createMemoryStorage } from "../../core/storage/memory.js";
import * as Session from "../../core/whatsapp/session/index.js";
import { createFixture, HOUR, T0 } from "./fixtures.js";

describe("the cleanup job on a timer (npm start, a connector outside AWS)", () => {
  it("runs the job every period, expires what is due once, and stops", async () => {
    const f = createFixture(createMemoryStorage());
    const { tenantId } = await f.createTenant();
    const ref = { tenantId, sessionId: "never-paired" };
    await Session.create(f.deps, ref);
    f.setNow(T0 + 25 * HOUR);
    const runs: CleanupCounts[] = [];
    const lines: string[] = [];
    const logger = {
      info: (_: object, msg: string) => lines.push(msg),
      warn: (_: object, msg: string) => lines.push(msg),
    };
    const schedule = startCleanupSchedule(
      { ...f.deps, logger: logger as never },
      { everyMs: 20, onRun: (counts) => runs.push(counts) },
    );
    try {
      await expect.poll(() => runs.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    } finally {
      schedule.stop();
    }
    expect(runs[0]).toMatchObject({ expired: 1, errors: 0 });
    expect(runs[1]).toMatchObject({ expired: 0, errors: 0 });
    expect(await Session.fromID(f.deps, ref)).toBeNull();
    expect(lines.every((line) => line === "cleanup: scheduled run")).toBe(true);
    // Stopped: a run already going may still finish, none starts after it (10 periods).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = runs.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(runs.length).toBe(after);
  });
});
