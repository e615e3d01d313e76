import { z } from "zod";
import { firstValue } from "./headers.js";
import { configObject, nonNegativeInt } from "./options-schema.js";

export const retryPolicySchema = configObject({
  retry_on_status_codes: z
    .array(z.number().int().min(100).max(599))
    .optional()
    .describe("HTTP status codes that are retried; default [429, 500, 502, 503, 504]."),
  max_retries: nonNegativeInt()
    .optional()
    .describe("Retries after the first attempt before the request fails; default 3."),
  backoff_factor: z
    .number()
    .min(0)
    .optional()
    .describe("Exponential backoff base in seconds: the n-th retry waits about factor × 2^(n-1); default 2."),
  max_delay: z
    .number()
    .min(0)
    .optional()
    .describe("Longest single wait between retries in seconds, Retry-After included; default 60."),
}).describe(
  "Retry policy (the `error_handler` spelling); allowed in client, resource_defaults.endpoint and endpoint, the most specific wins.",
);

/** A retry policy with every knob set: `error_handler` layers merged over the defaults. */
export type RetryPolicy = Required<z.output<typeof retryPolicySchema>>;

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  retry_on_status_codes: [429, 500, 502, 503, 504],
  max_retries: 3,
  backoff_factor: 2,
  max_delay: 60,
}) as RetryPolicy;

/** Shortest wait between attempts, seconds: a zero factor or zero hint must not become a tight loop. */
export const MIN_DELAY_SECONDS = 0.1;

/** Later layers override earlier ones key by key (client < resource defaults < endpoint). */
export function mergeRetryPolicy(...layers: Array<Partial<RetryPolicy> | undefined>): RetryPolicy {
  const out: RetryPolicy = { ...DEFAULT_RETRY_POLICY };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.retry_on_status_codes !== undefined)
      out.retry_on_status_codes = [...layer.retry_on_status_codes];
    if (layer.max_retries !== undefined) out.max_retries = layer.max_retries;
    if (layer.backoff_factor !== undefined) out.backoff_factor = layer.backoff_factor;
    if (layer.max_delay !== undefined) out.max_delay = layer.max_delay;
  }
  return out;
}

/**
 * Seconds the server asked us to wait, from `Retry-After` (delta-seconds or HTTP-date).
 * `0`, a past date or garbage mean "no hint" (undefined): the caller falls back to backoff.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = firstValue(value);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return seconds > 0 ? seconds : undefined;
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const seconds = (at - nowMs) / 1000;
  return seconds > 0 ? seconds : undefined;
}

/**
 * Wait before retry number `attempt` (1-based), milliseconds: the server's hint when it gave one,
 * else `backoff_factor × 2^(attempt−1)` with jitter (50–100% of it); capped at `max_delay`, never
 * under MIN_DELAY_SECONDS.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterSeconds: number | undefined,
  random: () => number,
): number {
  let seconds: number;
  if (retryAfterSeconds !== undefined) {
    seconds = retryAfterSeconds;
  } else {
    const base = policy.backoff_factor * 2 ** (attempt - 1);
    seconds = base * (0.5 + 0.5 * random());
  }
  seconds = Math.min(seconds, policy.max_delay);
  return Math.round(Math.max(seconds, MIN_DELAY_SECONDS) * 1000);
}

const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Whether a thrown transport error is a connection reset or timeout worth retrying. */
export function isRetryableNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && RETRYABLE_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The error's code (e.g. ECONNRESET), looking through `cause`. */
export function networkErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
