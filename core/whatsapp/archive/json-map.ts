import { z } from "../../zod.js";
import type { AuthFileMap } from "../auth-state/stored.js";
import { ArchiveError } from "./errors.js";
import { DEFAULT_ARCHIVE_LIMITS } from "./tar.js";

/**
 * Seed 004's JSON form of a `useMultiFileAuthState` folder: `{"creds.json": "…", "pre-key-1.json":
 * "…"}`, file name -> file content, optionally wrapped as `{"session_data": {…}}` (the seed's
 * backup body) or `{"sessionData": {…}}`. A value may also be the parsed JSON object itself.
 */

const FileValueSchema = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** A bare map of file name -> content (string, or the already parsed JSON object). */
export const JsonFileMapSchema = z.record(z.string(), FileValueSchema);

/** The import body: a bare map or one wrapped in `session_data` / `sessionData`. */
export const JsonImportSchema = z.union([
  z.object({ session_data: JsonFileMapSchema, session_id: z.string().optional() }),
  z.object({ sessionData: JsonFileMapSchema }),
  JsonFileMapSchema,
]);
export type JsonImport = z.infer<typeof JsonImportSchema>;

/**
 * The file map in a JSON import body, every value as file text. Throws `archive.invalid` for a
 * shape `JsonImportSchema` rejects and `archive.too_large` past the archive limits; file names and
 * contents are judged by `importAuthFiles`.
 */
export function readJsonFileMap(body: unknown, limits = DEFAULT_ARCHIVE_LIMITS): AuthFileMap {
  const parsed = JsonImportSchema.safeParse(body);
  if (!parsed.success)
    throw new ArchiveError("archive.invalid", "the JSON body is not a map of file name to content");
  const map: Record<string, unknown> =
    "session_data" in parsed.data && isMap(parsed.data.session_data)
      ? parsed.data.session_data
      : "sessionData" in parsed.data && isMap(parsed.data.sessionData)
        ? parsed.data.sessionData
        : parsed.data;
  const files: AuthFileMap = {};
  let total = 0;
  const names = Object.keys(map);
  if (names.length > limits.maxEntries)
    throw new ArchiveError("archive.too_large", `the map has more than ${limits.maxEntries} files`);
  for (const name of names) {
    const value = map[name];
    const text = typeof value === "string" ? value : JSON.stringify(value);
    total += Buffer.byteLength(text);
    if (Buffer.byteLength(text) > limits.maxFileBytes || total > limits.maxTotalBytes)
      throw new ArchiveError("archive.too_large", `file '${name}' makes the map too large`, { entry: name });
    files[name] = text;
  }
  return files;
}

// --- Internal helpers ---

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
