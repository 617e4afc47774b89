import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * File primitives for the local adapter: crash-safe writes and names that can never
 * climb out of the data directory.
 */

/**
 * Writes `body` so that a reader sees either the old file or the whole new one, even if
 * the process is SIGKILLed mid-way: temp file in the same directory, fsync, rename, fsync
 * the directory (so the rename itself survives a power cut).
 */
export async function writeFileAtomic(path: string, body: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** True for leftovers of an interrupted `writeFileAtomic`; readers skip them. */
export function isTempName(name: string): boolean {
  return name.includes(".tmp-");
}

/**
 * One path segment for an arbitrary string. `encodeURIComponent` plus `.` and `*`, so `..`,
 * `/` and NUL can never form a path; decoding restores the exact string.
 */
export function encodeSegment(value: string): string {
  if (value.length === 0) return "%";
  return encodeURIComponent(value).replace(/\./g, "%2E").replace(/\*/g, "%2A");
}

export function decodeSegment(segment: string): string {
  return segment === "%" ? "" : decodeURIComponent(segment);
}

/** Names in `dir`, or none when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export function joinSegments(root: string, parts: string[]): string {
  return join(root, ...parts.map(encodeSegment));
}
