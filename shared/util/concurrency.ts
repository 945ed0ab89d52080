/**
 * Runs `fn` over items with at most `limit` in flight; rejects with the first failure. `fn` is told
 * which of the `limit` workers runs it: one worker runs one item at a time.
 */
export const mapLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, worker: number) => Promise<R>,
) => {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (_: unknown, id: number) => {
    // After a failure no new work starts, as if the process had stopped there.
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, id);
      } catch (err: unknown) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

/** Numbered places for work in flight: each taken by one piece of work at a time, the lowest free first. */
export class Places {
  private readonly free: number[] = [];
  private next = 0;

  take(): number {
    return this.free.sort((a, b) => a - b).shift() ?? this.next++;
  }

  give(place: number): void {
    this.free.push(place);
  }
}
