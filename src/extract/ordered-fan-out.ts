import { mapBounded } from "./concurrency.js";

/**
 * Runs `task` over `items` with at most `limit` at once, while what the tasks emit comes out in the
 * order a sequential run would emit it: the earliest unfinished task writes straight through, the
 * ones after it buffer until every task before them is done. So parallel children load the same rows
 * in the same order as children read one after another (a merge's "last one wins" included), and
 * memory is bounded by what `limit - 1` tasks emit.
 */
export async function orderedFanOut<T, E>(
  items: readonly T[],
  limit: number,
  out: (emitted: E) => void,
  task: (item: T, emit: (emitted: E) => void) => Promise<void>,
): Promise<void> {
  let head = 0;
  const buffers = new Map<number, E[]>();
  const done = new Set<number>();
  const finish = (i: number) => {
    done.add(i);
    while (done.has(head)) {
      done.delete(head);
      head++;
      const pending = buffers.get(head);
      if (pending) {
        buffers.delete(head);
        for (const e of pending) out(e);
      }
    }
  };
  const indices = items.map((_, i) => i);
  await mapBounded(indices, limit, async (i) => {
    await task(items[i] as T, (e) => {
      if (i === head) out(e);
      else {
        const pending = buffers.get(i);
        if (pending) pending.push(e);
        else buffers.set(i, [e]);
      }
    });
    finish(i);
  });
}
