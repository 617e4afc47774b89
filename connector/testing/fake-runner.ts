import type { LeaseRef } from "../../core/whatsapp/session/index.js";
import type { Runner, StartRunner, StopReason } from "../types.js";

/** What a fake runner saw: the lease it ran under and how it was stopped. */
export interface FakeRun {
  lease: LeaseRef;
  startedAt: number;
  stoppedWith?: StopReason;
}

/** A runner factory that runs nothing and records every start and stop (for lease tests). */
export function createFakeRunners(): { startRunner: StartRunner; runs: FakeRun[] } {
  const runs: FakeRun[] = [];
  let order = 0;
  const startRunner: StartRunner = (lease) => {
    const run: FakeRun = { lease, startedAt: order++ };
    runs.push(run);
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const runner: Runner = {
      async stop(reason) {
        run.stoppedWith ??= reason;
        finish();
      },
      done,
    };
    return runner;
  };
  return { startRunner, runs };
}
