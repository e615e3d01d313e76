/** Runs `task` over `items` with at most `limit` in flight; rejects with the first failure. */
export async function mapBounded<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed: unknown = null;
  const worker = async () => {
    for (;;) {
      if (failed !== null) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await task(next.value);
      } catch (err) {
        if (failed === null) failed = err ?? new Error("task failed");
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (failed !== null) throw failed;
}
