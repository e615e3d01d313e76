import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore.js";

describe("semaphore", () => {
  it("bounds concurrency and hands slots over in order", async () => {
    const sem = new Semaphore(2);
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          order.push(i);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(sem.inFlight).toBe(0);
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
