import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../core/config/index.js";

/** The global never-paired expiry (issue 8 item 1; seed 003's 24 h default). */
describe("SESSIONVAULT_UNPAIRED_TTL_HOURS", () => {
  it("defaults to 24 h, takes whole hours, refuses 0 and junk naming the option", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sv-config-"));
    const env = { SESSIONVAULT_DATA_DIR: dataDir };
    expect((await resolveConfig(env)).whatsapp.unpairedTtlMs).toBe(24 * 3_600_000);
    const six = await resolveConfig({ ...env, SESSIONVAULT_UNPAIRED_TTL_HOURS: "6" });
    expect(six.whatsapp.unpairedTtlMs).toBe(6 * 3_600_000);
    for (const bad of ["0", "1.5", "abc"])
      await expect(resolveConfig({ ...env, SESSIONVAULT_UNPAIRED_TTL_HOURS: bad })).rejects.toMatchObject({
        code: "config.invalid",
        details: { option: "SESSIONVAULT_UNPAIRED_TTL_HOURS" },
      });
  });
});

/** How often a long-running process runs the cleanup job itself (no EventBridge outside AWS). */
describe("SESSIONVAULT_CLEANUP_EVERY_MINUTES", () => {
  it("is unset by default (each entry picks its own), takes whole minutes with 0 = off, refuses junk", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sv-config-"));
    const env = { SESSIONVAULT_DATA_DIR: dataDir };
    expect((await resolveConfig(env)).cleanupEveryMinutes).toBeUndefined();
    expect(
      (await resolveConfig({ ...env, SESSIONVAULT_CLEANUP_EVERY_MINUTES: "60" })).cleanupEveryMinutes,
    ).toBe(60);
    expect(
      (await resolveConfig({ ...env, SESSIONVAULT_CLEANUP_EVERY_MINUTES: "0" })).cleanupEveryMinutes,
    ).toBe(0);
    await expect(
      resolveConfig({ ...env, SESSIONVAULT_CLEANUP_EVERY_MINUTES: "hourly" }),
    ).rejects.toMatchObject({
      code: "config.invalid",
      details: { option: "SESSIONVAULT_CLEANUP_EVERY_MINUTES" },
    });
  });
});
