import { SessionvaultError } from "../error.js";
import type { Attrs, RecordKey, StoredRecord, UpdateChange, UpdateCondition } from "./types.js";

/**
 * Backend-independent record semantics shared by the in-process adapters (`memory`, `local`).
 * DynamoDB implements the same rules in its own expressions; the contract suite keeps them equal.
 */

/** Why `condition` does not hold for `current`, or `null` when it holds. */
export function conditionFailure(current: StoredRecord | null, condition?: UpdateCondition): string | null {
  if (!current) return "record does not exist";
  if (!condition) return null;
  if (condition.version !== undefined && current.version !== condition.version) {
    return `expected version ${condition.version}, found ${current.version}`;
  }
  for (const [name, expected] of Object.entries(condition.equals ?? {})) {
    const actual = current.attrs[name] ?? null;
    if (actual !== expected) return `expected ${name} = ${JSON.stringify(expected)}`;
  }
  return null;
}

/** The record after `change`, with `version + 1`. */
export function applyChange(current: StoredRecord, change: UpdateChange): StoredRecord {
  const attrs: Attrs = { ...current.attrs, ...(change.set ?? {}) };
  for (const name of change.remove ?? []) delete attrs[name];
  const next: StoredRecord = { ...current, attrs, version: current.version + 1 };
  if (change.gsi1 === null) {
    delete next.gsi1pk;
    delete next.gsi1sk;
  } else if (change.gsi1) {
    next.gsi1pk = change.gsi1.pk;
    next.gsi1sk = change.gsi1.sk;
  }
  if (change.ttl === null) delete next.ttl;
  else if (change.ttl !== undefined) next.ttl = change.ttl;
  return next;
}

export function keyString(key: RecordKey): string {
  return `${key.pk}|${key.sk}`;
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new RangeError("limit must be 1..1000");
  return limit;
}

export function encodeCursor(parts: string[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

/** Decodes a cursor made by `encodeCursor`; a malformed one is a caller error, not a crash. */
export function decodeCursor(cursor: string, arity: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === "string")) {
      return parts as string[];
    }
  } catch {
    // fall through to the typed error below
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends SessionvaultError {
  constructor() {
    super("invalid_cursor", "the pagination cursor is malformed", { status: 400 });
    this.name = "InvalidCursorError";
  }
}
