import { readdir, readFile, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";

/**
 * What one entry of an import folder is. Decided from the file's name and, for JSON, its
 * top-level keys; the API validates the content itself.
 */
export type ImportItem =
  | { kind: "whatsapp-folder"; path: string; sessionId: string }
  | { kind: "whatsapp-archive"; path: string; sessionId: string }
  | { kind: "whatsapp-json"; path: string; sessionId: string }
  | { kind: "telegram-file"; path: string }
  | { kind: "unknown"; path: string; reason: string };

/** Every importable entry directly inside `dir`, in name order. */
export async function classifyFolder(dir: string): Promise<ImportItem[]> {
  const names = (await readdir(dir)).filter((n) => !n.startsWith(".")).sort();
  const items: ImportItem[] = [];
  for (const name of names) items.push(await classify(join(dir, name)));
  return items;
}

export async function classify(path: string): Promise<ImportItem> {
  const name = basename(path);
  if ((await stat(path)).isDirectory()) {
    const files = await readdir(path);
    return files.includes("creds.json")
      ? { kind: "whatsapp-folder", path, sessionId: sessionIdFrom(name) }
      : { kind: "unknown", path, reason: "folder without creds.json" };
  }
  if (/\.(tar\.gz|tgz)$/i.test(name))
    return { kind: "whatsapp-archive", path, sessionId: sessionIdFrom(name) };
  const ext = extname(name).toLowerCase();
  if (ext === ".session") return { kind: "telegram-file", path };
  if (ext === ".json") {
    const keys = await jsonKeys(path);
    if (keys === null) return { kind: "telegram-file", path }; // let the API name what is wrong
    if (keys.includes("creds.json") || keys.includes("session_data")) {
      return { kind: "whatsapp-json", path, sessionId: sessionIdFrom(name) };
    }
    return { kind: "telegram-file", path };
  }
  return { kind: "unknown", path, reason: `unsupported file type '${ext || name}'` };
}

// --- Internal helpers ---

/** Session ids allow `[A-Za-z0-9_-]{1,64}`: derive one from a file or folder name. */
function sessionIdFrom(name: string): string {
  const stem = name.replace(/\.(tar\.gz|tgz|json)$/i, "");
  const cleaned = stem.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 64);
  return cleaned.length > 0 ? cleaned : "imported";
}

async function jsonKeys(path: string): Promise<string[] | null> {
  try {
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : null;
  } catch {
    return null;
  }
}
