import type { RecordKey } from "../../storage/types.js";

/**
 * Where a session's auth state lives. Blob keys are zero-padded so that lexical order is
 * (epoch, seq) order, which lets a plain prefix listing return the log in replay order.
 */

/** Names one session of one tenant. */
export interface SessionRef {
  tenantId: string;
  sessionId: string;
}

/** A point in the log: the `seq`-th blob its `epoch`'s owner wrote (seqs start at 1). */
export interface Position {
  epoch: number;
  seq: number;
}

/** A blob key parsed back into its kind and position. */
export interface ParsedBlobKey extends Position {
  kind: "wal" | "snap";
  key: string;
}

const EPOCH_DIGITS = 10;
const SEQ_DIGITS = 12;

/** The pointer record (`t#<tenant>`, `wa#<session>#state`). Not the connector's session record. */
export function pointerKey(ref: SessionRef): RecordKey {
  return { pk: `t#${ref.tenantId}`, sk: `wa#${ref.sessionId}#state` };
}

/** Prefix of every blob of the session: wiping it wipes the state. */
export function sessionPrefix(ref: SessionRef): string {
  return `t/${ref.tenantId}/wa/${ref.sessionId}/`;
}

export function walPrefix(ref: SessionRef): string {
  return `${sessionPrefix(ref)}wal/`;
}

export function snapPrefix(ref: SessionRef): string {
  return `${sessionPrefix(ref)}snap/`;
}

/** `…/wal/<epoch:10>/<seq:12>` */
export function walKey(ref: SessionRef, at: Position): string {
  return `${walPrefix(ref)}${pad(at.epoch, EPOCH_DIGITS)}/${pad(at.seq, SEQ_DIGITS)}`;
}

/** `…/snap/<epoch:10>-<seq:12>` */
export function snapKey(ref: SessionRef, at: Position): string {
  return `${snapPrefix(ref)}${pad(at.epoch, EPOCH_DIGITS)}-${pad(at.seq, SEQ_DIGITS)}`;
}

/** Parses a key under the session prefix; `null` for anything this module did not write. */
export function parseBlobKey(ref: SessionRef, key: string): ParsedBlobKey | null {
  const prefix = sessionPrefix(ref);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  const wal = /^wal\/(\d{10})\/(\d{12})$/.exec(rest);
  if (wal) return { kind: "wal", key, epoch: Number(wal[1]), seq: Number(wal[2]) };
  const snap = /^snap\/(\d{10})-(\d{12})$/.exec(rest);
  if (snap) return { kind: "snap", key, epoch: Number(snap[1]), seq: Number(snap[2]) };
  return null;
}

/** Negative when `a` comes before `b` in replay order. */
export function comparePositions(a: Position, b: Position): number {
  return a.epoch !== b.epoch ? a.epoch - b.epoch : a.seq - b.seq;
}

// --- Internal helpers ---

function pad(value: number, digits: number): string {
  if (!Number.isSafeInteger(value) || value < 0 || String(value).length > digits)
    throw new RangeError(`position component ${value} does not fit ${digits} digits`);
  return String(value).padStart(digits, "0");
}
