import { SingleBar } from "cli-progress";

/**
 * Runs `work` over `items` with at most `concurrency` in flight, drawing a progress bar on
 * stderr (stdout stays clean for the summary). Results keep the input order.
 */
export async function runWithProgress<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const bar = new SingleBar({
    format: "{bar} {value}/{total} {percentage}%",
    stream: process.stderr,
    noTTYOutput: false,
    clearOnComplete: false,
    hideCursor: true,
  });
  bar.start(items.length, 0);
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
      bar.increment();
    }
  });
  await Promise.all(lanes);
  bar.stop();
  return results;
}
