import { firstValue } from "./headers.js";
import type { HttpResponse } from "./types.js";

/** Longest pause the limiter imposes on its own, ms: a bogus reset header must not stall a run. */
const MAX_PAUSE_MS = 60_000;

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds until the window resets: `reset` is a delta (IETF draft) or, when it looks like one, an epoch time. */
function resetSeconds(reset: number, nowMs: number): number {
  return reset > 1e9 ? reset - nowMs / 1000 : reset;
}

/**
 * Proactive rate limiting shared by every request of a client: when a response says the quota is used up
 * (`RateLimit-Remaining: 0`, `X-RateLimit-Remaining: 0`, the combined `RateLimit: remaining=0, reset=N`,
 * or a 429/503 with `Retry-After`), new requests to that origin wait until the window resets instead
 * of each one hitting the limit and backing off on its own.
 */
export class RateLimiter {
  private readonly notBefore = new Map<string, number>();

  constructor(
    private readonly clock: {
      now: () => number;
      sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    },
  ) {}

  /** Milliseconds a request to `origin` must still wait (0 when free to go). */
  pauseFor(origin: string): number {
    const until = this.notBefore.get(origin);
    if (until === undefined) return 0;
    const left = until - this.clock.now();
    if (left <= 0) {
      this.notBefore.delete(origin);
      return 0;
    }
    return left;
  }

  async wait(origin: string, signal?: AbortSignal): Promise<void> {
    const ms = this.pauseFor(origin);
    if (ms > 0) await this.clock.sleep(ms, signal);
  }

  observe(origin: string, status: number, headers: HttpResponse["headers"]): void {
    const now = this.clock.now();
    let pauseSeconds: number | undefined;
    if (status === 429 || status === 503) {
      const ra = firstValue(headers["retry-after"]);
      if (ra !== undefined) {
        const n = num(ra);
        const s = n !== undefined ? n : (Date.parse(ra) - now) / 1000;
        if (Number.isFinite(s) && s > 0) pauseSeconds = s;
      }
    }
    let remaining = num(
      firstValue(headers["ratelimit-remaining"]) ?? firstValue(headers["x-ratelimit-remaining"]),
    );
    let reset = num(firstValue(headers["ratelimit-reset"]) ?? firstValue(headers["x-ratelimit-reset"]));
    const combined = firstValue(headers["ratelimit"]);
    if (combined !== undefined) {
      remaining ??= num(/remaining=(\d+)/i.exec(combined)?.[1]);
      reset ??= num(/reset=(\d+)/i.exec(combined)?.[1]);
    }
    if (remaining !== undefined && remaining <= 0 && reset !== undefined) {
      const s = resetSeconds(reset, now);
      if (s > 0) pauseSeconds = Math.max(pauseSeconds ?? 0, s);
    }
    if (pauseSeconds === undefined) return;
    const until = now + Math.min(pauseSeconds * 1000, MAX_PAUSE_MS);
    if (until > (this.notBefore.get(origin) ?? 0)) this.notBefore.set(origin, until);
  }
}
