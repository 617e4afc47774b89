import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A per-record lock that works across processes sharing one data directory (the API and a
 * connector child in tests, `npm start` plus a CLI). `O_EXCL` creates the lock file; it holds
 * the owner's pid, so a lock left by a SIGKILLed process is broken at once instead of after a
 * timeout.
 */
export async function withFileLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  await acquire(lockPath);
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

// --- Internal helpers ---

const GIVE_UP_MS = 10_000;

async function acquire(lockPath: string): Promise<void> {
  const started = Date.now();
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (await holderIsDead(lockPath)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > GIVE_UP_MS) throw new Error(`lock ${lockPath} held for over ${GIVE_UP_MS} ms`);
    await sleep(Math.min(1 + attempt, 20));
  }
}

async function holderIsDead(lockPath: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number.parseInt(await readFile(lockPath, "utf8"), 10);
  } catch {
    return false; // vanished or being written: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // Empty: the holder is between create and write, or was killed right there.
    const age = await stat(lockPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    return age > 2_000;
  }
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
