import { describe, expect, it } from "vitest";
import { HostGate, type RateBudget } from "./host-gate.js";
import { quotaPauseMs } from "./quota-headers.js";

/** A gate on a fake clock: sleeping advances time at once, so waits are exact and tests instant. */
function gate(maxInFlight: number, budget?: RateBudget) {
  const clock = { t: 1_000_000 };
  const sleeps: number[] = [];
  const g = new HostGate({
    maxInFlight,
    ...(budget ? { budget } : {}),
    clock: {
      now: () => clock.t,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.t += ms;
      },
    },
  });
  return { g, clock, sleeps };
}

const ok = {};

describe("quota headers", () => {
  it("read the remaining quota, the combined header, epoch resets and Retry-After", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(
      quotaPauseMs(200, { "x-ratelimit-remaining": "5", "x-ratelimit-reset": "30" }, now),
    ).toBeUndefined();
    expect(quotaPauseMs(200, { "ratelimit-remaining": "0", "ratelimit-reset": "3" }, now)).toBe(3000);
    expect(quotaPauseMs(200, { ratelimit: "limit=100, remaining=0, reset=7" }, now)).toBe(7000);
    expect(
      quotaPauseMs(200, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 12) }, now),
    ).toBe(12_000);
    expect(quotaPauseMs(429, { "retry-after": "4" }, now)).toBe(4000);
    expect(quotaPauseMs(200, { "retry-after": "4" }, now)).toBeUndefined();
    expect(quotaPauseMs(429, { "retry-after": "0" }, now)).toBeUndefined();
    // A bogus reset cannot stall a run for more than a minute.
    expect(quotaPauseMs(200, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "100000" }, now)).toBe(
      60_000,
    );
  });
});

describe("host gate", () => {
  it("bounds requests in flight and admits waiters in order", async () => {
    const { g } = gate(2);
    await g.enter();
    await g.enter();
    const order: number[] = [];
    const third = g.enter().then(() => order.push(3));
    const fourth = g.enter().then(() => order.push(4));
    await Promise.resolve();
    expect(g.inFlight).toBe(2);
    expect(order).toEqual([]);
    g.leave();
    await third;
    g.leave();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(g.inFlight).toBe(2);
    expect(() => gate(0)).toThrow(RangeError);
  });

  it("pauses the host on a spent quota: a request queued before the pause still waits for it", async () => {
    const { g, sleeps } = gate(1);
    const first = await g.enter();
    const queued = g.enter();
    g.observe(first, 200, { "ratelimit-remaining": "0", "ratelimit-reset": "3" });
    g.leave();
    await queued;
    expect(sleeps).toEqual([3000]);
    expect(g.pauseLeft()).toBe(0);
  });

  it("halves the window on a 429 once per round, and grows it back by one per window of accepted answers", async () => {
    const { g } = gate(8);
    const tickets = await Promise.all(Array.from({ length: 8 }, () => g.enter()));
    // Eight requests of the same round all answered 429: the window halves once, not eight times.
    for (const t of tickets) {
      g.observe(t, 429, ok);
      g.leave();
    }
    expect(g.limit).toBe(4);
    expect(g.shrinks).toBe(1);
    expect(g.throttled).toBe(8);
    const next = await g.enter();
    g.observe(next, 429, ok);
    g.leave();
    expect(g.limit).toBe(2);
    // Recovery: 2 accepted answers grow 2 → 3, 3 more grow 3 → 4, and so on up to the ceiling, never past it.
    const grow = async (answers: number) => {
      for (let i = 0; i < answers; i++) {
        const t = await g.enter();
        g.observe(t, 200, ok);
        g.leave();
      }
    };
    await grow(2);
    expect(g.limit).toBe(3);
    await grow(3);
    expect(g.limit).toBe(4);
    await grow(4 + 5 + 6 + 7 + 100);
    expect(g.limit).toBe(8);
    for (let i = 0; i < 4; i++) {
      const t = await g.enter();
      g.observe(t, 429, ok);
      g.leave();
    }
    expect(g.limit).toBe(1);
  });

  it("spaces requests by the rate budget after the burst, however many wait at once", async () => {
    // Real timers: each waiter sleeps its own share of the debt concurrently, which a fake clock cannot show.
    const g = new HostGate({
      maxInFlight: 8,
      budget: { requests_per_second: 50, burst: 2 },
      clock: { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
    });
    const start = performance.now();
    const startedAt = await Promise.all(
      Array.from({ length: 10 }, () =>
        g.enter().then(() => {
          g.leave();
          return performance.now() - start;
        }),
      ),
    );
    startedAt.sort((a, b) => a - b);
    // Two at once (the burst), then one every 20 ms: request k (0-based) never starts before (k - 1) × 20 ms.
    expect(startedAt[1]).toBeLessThan(15);
    // Timers round to whole milliseconds, so a start may read up to 2 ms early on performance.now().
    for (let k = 2; k < startedAt.length; k++) expect(startedAt[k]).toBeGreaterThanOrEqual((k - 1) * 20 - 2);
    // The waits run side by side: ten requests take about 160 ms, not the sum of their waits.
    expect(startedAt[9]).toBeLessThan(600);
  });

  it("does nothing adaptive when turned off", async () => {
    const g = new HostGate({
      maxInFlight: 4,
      adaptive: false,
      clock: { now: () => 0, sleep: async () => {} },
    });
    const t = await g.enter();
    g.observe(t, 429, { "retry-after": "30" });
    g.pause(5000);
    expect(g.limit).toBe(4);
    expect(g.pauseLeft()).toBe(0);
  });
});
