import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createLocalStorage } from "../../core/storage/local.js";
import { isTempName } from "../../core/storage/local-files.js";
import { createTestLocalStorage } from "../helpers/test-storage.js";

const writer = fileURLToPath(new URL("./record-writer.ts", import.meta.url));

/** Runs the writer, SIGKILLs it after `killAfterMs`, and returns the acknowledged writes. */
async function writeThenKill(
  dataDir: string,
  killAfterMs: number,
): Promise<Map<string, { version: number; i: number }>> {
  const child = spawn(process.execPath, ["--import", "tsx", writer, dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acked = new Map<string, { version: number; i: number }>();
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) {
      const [, sk, version, i] = line.split(" ");
      acked.set(sk!, { version: Number(version), i: Number(i) });
    }
  });
  // Start the clock at the first acknowledged write, so every trial kills mid-loop.
  while (acked.size === 0 && child.exitCode === null) await sleep(5);
  await sleep(killAfterMs);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return acked;
}

describe("local adapter under SIGKILL (issue 2)", () => {
  it("every record whose write returned is readable after restart, and no record file is partial", async () => {
    const { env, dispose } = await createTestLocalStorage();
    const dataDir = env.SESSIONVAULT_DATA_DIR!;
    let checked = 0;
    for (let trial = 0; trial < 6; trial++) {
      const acked = await writeThenKill(dataDir, 20 + Math.floor(Math.random() * 150));
      const { records } = createLocalStorage({ dataDir });
      for (const [sk, ack] of acked) {
        const row = await records.get({ pk: "t#crash", sk });
        expect(row, `record ${sk} acknowledged at version ${ack.version}`).not.toBeNull();
        expect(row!.version).toBeGreaterThanOrEqual(ack.version);
        expect(row!.attrs.i as number).toBeGreaterThanOrEqual(ack.i);
        checked++;
      }
      // Every non-temporary file parses: a kill mid-write leaves at most a temp file behind.
      const dir = join(dataDir, "records", "t%23crash");
      for (const name of await readdir(dir)) {
        if (isTempName(name) || name.endsWith(".lock")) continue;
        expect(name.endsWith(".json")).toBe(true);
        const parsed = JSON.parse(await readFile(join(dir, name), "utf8"));
        expect(parsed.pk).toBe("t#crash");
      }
    }
    expect(checked).toBeGreaterThan(6 * 10);
    await dispose();
  }, 120_000);
});
