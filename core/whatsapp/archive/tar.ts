import { gunzipSync, gzipSync } from "node:zlib";
// The subpath modules, not the package root: the root is a prebuilt bundle of all of tar (file
// system extraction included) that no bundler can trim, and the API Lambda loads it on every cold start.
import { Header } from "tar/header";
import { Parser } from "tar/parse";
import { Pax } from "tar/pax";
import type { ReadEntry } from "tar/read-entry";
import type { AuthFileMap } from "../auth-state/stored.js";
import { ArchiveError } from "./errors.js";

/**
 * A `useMultiFileAuthState` folder as a tar.gz (seed 001's `whatsapp_auth_latest.tar.gz`), in
 * memory: parsing never touches the file system, so hostile paths and links cannot escape
 * anywhere, and are refused anyway so the caller learns the archive is unsafe.
 */

/** Guards against archive bombs; every limit is checked before the bytes are kept. */
export interface ArchiveLimits {
  maxEntries: number;
  /** Sum of all file sizes (uncompressed). */
  maxTotalBytes: number;
  maxFileBytes: number;
}

/** Room for 10k+ Signal keys; a real session's folder is a few MiB at most. */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 50_000,
  maxTotalBytes: 64 << 20,
  maxFileBytes: 1 << 20,
};

/**
 * The files of a tar.gz (or plain ustar tar). Files may sit at the root or in one folder
 * (`auth_info_baileys/creds.json`); hidden files and `__MACOSX/` are ignored, directories
 * skipped. Throws `ArchiveError`: `archive.not_gzip` (neither gzip nor tar), `archive.invalid`
 * (corrupt, duplicate names, several folders, not UTF-8), `archive.unsafe_entry` (absolute or
 * `..` paths, links, devices), `archive.too_large` (a limit). It does not judge the file names
 * or JSON: `importAuthFiles` does.
 */
export async function readTarArchive(
  bytes: Uint8Array,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<AuthFileMap> {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tar = isGzip(raw) ? gunzip(raw, limits) : raw;
  if (!isGzip(raw) && tar.subarray(257, 262).toString("latin1") !== "ustar")
    throw new ArchiveError("archive.not_gzip", "the body is neither a gzip stream nor a tar archive");
  const entries = await parseTar(tar, limits);
  return toFileMap(entries);
}

/** A tar.gz of `files` at the archive root, as `useMultiFileAuthState` would have them on disk. */
export function writeTarArchive(files: AuthFileMap, mtime: Date = new Date()): Uint8Array {
  return gzipSync(
    encodeTar(Object.entries(files).map(([path, text]) => ({ path, data: Buffer.from(text), mtime }))),
  );
}

/** One entry for `encodeTar`; links and odd types exist so tests can build hostile archives. */
export interface TarEntry {
  path: string;
  data?: Buffer;
  type?: "File" | "Directory" | "SymbolicLink" | "Link";
  linkpath?: string;
  mtime?: Date;
}

/** An uncompressed tar of `entries` (ustar headers, pax records for long paths). */
export function encodeTar(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const fields = {
      path: e.path,
      mode: e.type === "Directory" ? 0o700 : 0o600,
      size: e.type === undefined || e.type === "File" ? data.length : 0,
      mtime: e.mtime ?? new Date(0),
      type: e.type ?? "File",
      uid: 0,
      gid: 0,
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
    } as const;
    const header = new Header(fields);
    if (header.encode())
      blocks.push(new Pax({ path: e.path, ...(e.linkpath ? { linkpath: e.linkpath } : {}) }).encode());
    blocks.push(header.block!);
    if (fields.size > 0) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

// --- Internal helpers ---

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Buffer, limits: ArchiveLimits): Buffer {
  // Headers and padding cost up to ~1.5 KiB per entry on top of the file bytes.
  const maxOutputLength = limits.maxTotalBytes + (limits.maxEntries + 2) * 1536;
  try {
    return gunzipSync(bytes, { maxOutputLength });
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
      throw new ArchiveError(
        "archive.too_large",
        `the archive unpacks to more than ${maxOutputLength} bytes`,
      );
    throw new ArchiveError("archive.invalid", "the gzip stream is corrupt or truncated");
  }
}

async function parseTar(tar: Buffer, limits: ArchiveLimits): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  let failure: ArchiveError | null = null;
  let count = 0;
  let total = 0;
  const parser = new Parser({ strict: true });
  parser.on("entry", (entry: ReadEntry) => {
    try {
      if (failure) return;
      const path = checkPath(entry.path);
      if (entry.type === "Directory") return;
      if (!["File", "OldFile", "ContiguousFile"].includes(entry.type))
        throw new ArchiveError("archive.unsafe_entry", `entry '${entry.path}' is a ${entry.type}`, {
          entry: entry.path,
        });
      if (++count > limits.maxEntries)
        throw new ArchiveError("archive.too_large", `the archive has more than ${limits.maxEntries} files`);
      total += entry.size;
      if (entry.size > limits.maxFileBytes || total > limits.maxTotalBytes)
        throw new ArchiveError("archive.too_large", `entry '${path}' makes the archive too large`, {
          entry: path,
        });
      if (files.has(path))
        throw new ArchiveError("archive.invalid", `entry '${path}' appears twice`, { entry: path });
      const chunks: Buffer[] = [];
      files.set(path, Buffer.alloc(0));
      entry.on("data", (chunk: Buffer) => chunks.push(chunk));
      entry.on("end", () => files.set(path, Buffer.concat(chunks)));
      return;
    } catch (error) {
      failure ??= error as ArchiveError;
    } finally {
      if (entry.listenerCount("data") === 0) entry.resume();
    }
  });
  await new Promise<void>((resolve, reject) => {
    parser.on("error", () => reject(new ArchiveError("archive.invalid", "the tar archive is corrupt")));
    parser.on("end", resolve);
    parser.end(tar);
  });
  if (failure) throw failure;
  return files;
}

/** Normalised relative path; refuses anything that could leave the folder. */
function checkPath(path: string): string {
  const normal = path.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  const unsafe =
    normal.startsWith("/") || /^[A-Za-z]:/.test(normal) || normal.includes("\\") || normal.includes("\0");
  if (unsafe || normal.split("/").some((s) => s === ".."))
    throw new ArchiveError("archive.unsafe_entry", `entry '${path}' has an unsafe path`, { entry: path });
  return normal;
}

function toFileMap(entries: Map<string, Buffer>): AuthFileMap {
  const files: AuthFileMap = {};
  let folder: string | null = null;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const [path, data] of entries) {
    const parts = path.split("/");
    const name = parts.pop()!;
    if (name.startsWith(".") || parts[0] === "__MACOSX") continue;
    const dir = parts.join("/");
    if (folder !== null && folder !== dir)
      throw new ArchiveError("archive.invalid", "the archive holds files in more than one folder", {
        entry: path,
      });
    folder = dir;
    try {
      files[name] = decoder.decode(data);
    } catch {
      throw new ArchiveError("archive.invalid", `entry '${path}' is not UTF-8 text`, { entry: path });
    }
  }
  return files;
}
