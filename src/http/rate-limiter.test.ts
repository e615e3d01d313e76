import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter.js";
import { Semaphore } from "./semaphore.js";

function limiter(start = 1_000_000) {
  const clock = { t: start };
  const sleeps: number[] = [];
  const rl = new RateLimiter({
    now: () => clock.t,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.t += ms;
    },
  });
  return { rl, clock, sleeps };
}

describe("rate limiter", () => {
  it("pauses an origin when the quota is spent, until the reset", async () => {
    const { rl, sleeps } = limiter();
    rl.observe("https://a", 200, { "x-ratelimit-remaining": "5", "x-ratelimit-reset": "30" });
    expect(rl.pauseFor("https://a")).toBe(0);
    rl.observe("https://a", 200, { "ratelimit-remaining": "0", "ratelimit-reset": "3" });
    expect(rl.pauseFor("https://a")).toBe(3000);
    expect(rl.pauseFor("https://b")).toBe(0);
    await rl.wait("https://a");
    expect(sleeps).toEqual([3000]);
    expect(rl.pauseFor("https://a")).toBe(0);
  });

  it("reads the combined RateLimit header, epoch resets, and Retry-After on 429", () => {
    const { rl, clock } = limiter(Date.parse("2026-01-01T00:00:00Z"));
    rl.observe("https://a", 200, { ratelimit: "limit=100, remaining=0, reset=7" });
    expect(rl.pauseFor("https://a")).toBe(7000);
    rl.observe("https://b", 200, {
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(clock.t / 1000 + 12),
    });
    expect(rl.pauseFor("https://b")).toBe(12_000);
    rl.observe("https://c", 429, { "retry-after": "4" });
    expect(rl.pauseFor("https://c")).toBe(4000);
    rl.observe("https://d", 429, { "retry-after": "0" });
    expect(rl.pauseFor("https://d")).toBe(0);
    rl.observe("https://e", 200, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "100000" });
    expect(rl.pauseFor("https://e")).toBe(60_000);
  });
});

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
