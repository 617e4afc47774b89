import type { AuthenticationCreds, SignalDataTypeMap } from "@whiskeysockets/baileys";
import { BlobCorruptError } from "../../error.js";
import { bufferReplacer, bufferReviver } from "./buffer-json.js";

/**
 * Serialisation of the auth state. Every value is kept as the exact string
 * `useMultiFileAuthState` would write to its file (`JSON.stringify(value, BufferJSON.replacer)`),
 * under the file's base name (`creds`, `session-123.0`, `pre-key-7`, …). That makes export a
 * copy, import lossless, and snapshots a concatenation with no re-encoding.
 *
 * Blob payload (plaintext, UTF-8):
 *   line 1: `SVAS1 <wal|snap> <count>`
 *   then `count` lines: `<JSON string of the name>\t<value JSON, or empty for a delete>`
 * JSON never contains a raw tab or newline, so the split is unambiguous.
 */

/** A change or snapshot entry: a file base name and its JSON, `null` = deleted. */
export type Entry = readonly [name: string, json: string | null];

/** Base name of the creds "file". */
export const CREDS_NAME = "creds";

/** Every key type Baileys 7 stores, i.e. every valid `<type>-<id>.json` prefix. */
export const KEY_TYPES: readonly (keyof SignalDataTypeMap)[] = [
  "pre-key",
  "session",
  "sender-key",
  "sender-key-memory",
  "app-state-sync-key",
  "app-state-sync-version",
  "lid-mapping",
  "device-list",
  "tctoken",
  "identity-key",
];

const MAGIC = "SVAS1";

/** Base name of a key, with Baileys' own `fixFileName` (`/` → `__`, `:` → `-`). */
export function keyName(type: string, id: string): string {
  return `${type}-${id}`.replace(/\//g, "__").replace(/:/g, "-");
}

/** The value as Baileys' multi-file store writes it. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value, bufferReplacer);
}

/** Parses stored creds. */
export function decodeCreds(json: string): AuthenticationCreds {
  return JSON.parse(json, bufferReviver) as AuthenticationCreds;
}

/** One blob's plaintext. */
export function encodeBlob(kind: "wal" | "snap", entries: Iterable<Entry>): Uint8Array {
  const lines: string[] = [];
  for (const [name, json] of entries) lines.push(`${JSON.stringify(name)}\t${json ?? ""}`);
  return Buffer.from(`${MAGIC} ${kind} ${lines.length}\n${lines.join("\n")}`, "utf8");
}

/**
 * Entries of a blob opened from `key`. Throws `BlobCorruptError(key, "bad_payload")` when the
 * plaintext is not what `encodeBlob(kind, …)` writes (authenticated, but not ours or truncated by a bug).
 */
export function decodeBlob(key: string, kind: "wal" | "snap", plaintext: Uint8Array): Entry[] {
  const text = Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength).toString("utf8");
  const headerEnd = text.indexOf("\n");
  const header = (headerEnd < 0 ? text : text.slice(0, headerEnd)).split(" ");
  const count = Number(header[2]);
  if (header.length !== 3 || header[0] !== MAGIC || header[1] !== kind || !Number.isSafeInteger(count))
    throw new BlobCorruptError(key, "bad_payload");
  const body = headerEnd < 0 ? "" : text.slice(headerEnd + 1);
  const lines = count === 0 ? [] : body.split("\n");
  if (lines.length !== count) throw new BlobCorruptError(key, "bad_payload");
  return lines.map((line) => {
    const tab = line.indexOf("\t");
    if (tab < 0) throw new BlobCorruptError(key, "bad_payload");
    try {
      const name: unknown = JSON.parse(line.slice(0, tab));
      if (typeof name !== "string") throw new TypeError("name is not a string");
      const json = line.slice(tab + 1);
      return [name, json === "" ? null : json] as const;
    } catch (error) {
      throw new BlobCorruptError(key, "bad_payload", error);
    }
  });
}
