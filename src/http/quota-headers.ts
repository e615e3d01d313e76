import { firstValue } from "./headers.js";
import { parseRetryAfter } from "./retry.js";
import type { HttpResponse } from "./types.js";

/** Longest pause quota headers impose on their own, ms: a bogus reset header must not stall a run. */
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
 * How long a response tells every request to its host to hold off, ms: the quota is used up
 * (`RateLimit-Remaining: 0`, `X-RateLimit-Remaining: 0`, the combined `RateLimit: remaining=0, reset=N`)
 * or a 429/503 carries `Retry-After`. Undefined when it says nothing of the kind.
 */
export function quotaPauseMs(
  status: number,
  headers: HttpResponse["headers"],
  nowMs: number,
): number | undefined {
  let pauseSeconds =
    status === 429 || status === 503 ? parseRetryAfter(headers["retry-after"], nowMs) : undefined;
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
    const s = resetSeconds(reset, nowMs);
    if (s > 0) pauseSeconds = Math.max(pauseSeconds ?? 0, s);
  }
  return pauseSeconds === undefined ? undefined : Math.min(pauseSeconds * 1000, MAX_PAUSE_MS);
}
