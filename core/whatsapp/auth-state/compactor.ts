import { comparePositions, type SessionRef } from "./blob-keys.js";
import { commitSnapshot, deleteUnneeded, type SnapshotDeps } from "./compaction.js";
import type { Pointer } from "./pointer.js";

/**
 * Decides when an open state compacts and runs it in the background, one at a time, while the
 * log writer keeps committing. The snapshot is cut synchronously from what storage holds at
 * that seq, so it equals "previous snapshot + log up to seq" exactly.
 */
export interface Compactor {
  /** Tells the compactor a log blob landed; may start a compaction. */
  noteCommitted(seq: number, changes: number, bytes: number): void;
  /** Resolves when no compaction is running (failures went to `onFatal`). */
  settle(): Promise<void>;
}

export interface CompactorOptions {
  deps: SnapshotDeps;
  ref: SessionRef;
  epoch: number;
  pointer: Pointer;
  /** What storage holds as of the last committed seq (the log writer's `committed`). */
  committed: ReadonlyMap<string, string>;
  keepSnapshots: number;
  everyChanges: number;
  everyBytes: number;
  /** Log already behind the current snapshot (replayed at open). */
  changesSinceSnapshot: number;
  bytesSinceSnapshot: number;
  /** A failed snapshot write, pointer move (fenced) or cleanup ends the state. */
  onFatal(error: unknown): void;
}

export function createCompactor(options: CompactorOptions): Compactor {
  const { deps, ref, epoch, committed } = options;
  let pointer = options.pointer;
  let changes = options.changesSinceSnapshot;
  let bytes = options.bytesSinceSnapshot;
  let running: Promise<void> | null = null;

  const due = (): boolean => changes >= options.everyChanges || bytes >= options.everyBytes;
  const start = (seq: number): void => {
    const at = { epoch, seq };
    if (pointer.snapshot && comparePositions(at, pointer.snapshot) <= 0) return;
    const entries = [...committed];
    changes = 0;
    bytes = 0;
    running = commitSnapshot(deps, ref, pointer, at, entries, options.keepSnapshots)
      .then(async (moved) => {
        pointer = moved;
        await deleteUnneeded(deps.vault, ref, moved);
      })
      .catch(options.onFatal)
      .finally(() => {
        running = null;
      });
  };

  return {
    noteCommitted(seq, changed, written) {
      changes += changed;
      bytes += written;
      if (running === null && due()) start(seq);
    },
    async settle() {
      while (running !== null) await running;
    },
  };
}
