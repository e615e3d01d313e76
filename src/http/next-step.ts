import type { ActionOutcome } from "./response-actions.js";
import { isRetryableNetworkError, parseRetryAfter, retryDelayMs } from "./retry.js";
import type { HttpTimers, RetryPolicy } from "./types.js";

/** A response as far as deciding what follows it needs. */
export interface ResponseOutcome {
  readonly status: number;
  /** The response's `Retry-After` header. */
  readonly retryAfter?: string | string[] | undefined;
  /** The verdict of the first matching response action. */
  readonly action?: ActionOutcome;
  /** The response has a body that is not JSON. */
  readonly notJson?: boolean;
  /** The request carried credentials its authenticator can renew after a 401. */
  readonly refreshable?: boolean;
}

/** How one attempt ended: a response, or a transport error (reset, timeout, refused…). */
export type AttemptOutcome = ResponseOutcome | { readonly error: unknown };

/** What a kind of request retries: the API's requests follow the user's policy, the token request its own. */
export interface RetryRules {
  policy: RetryPolicy;
  /** A server's `Retry-After` sets the wait; without it the backoff alone does. */
  retryAfter: boolean;
  /** A reset connection waits the backoff before its retry; without it, it is retried at once. */
  networkBackoff: boolean;
}

export type NextStep =
  | { readonly step: "accept" }
  /** A response action said `ignore`: no records, and pagination of this request ends. */
  | { readonly step: "ignore" }
  | { readonly step: "retry"; readonly delayMs: number }
  /** Renew the credentials, then send the request again: not counted as a retry. */
  | { readonly step: "refresh" }
  | { readonly step: "fail"; readonly reason: "connection" | "action" | "status" | "not-json" };

export type FinalStep = Exclude<NextStep, { step: "retry" } | { step: "refresh" }>;

const ACCEPT: NextStep = { step: "accept" };
const IGNORE: NextStep = { step: "ignore" };
const REFRESH: NextStep = { step: "refresh" };
const FAIL_CONNECTION: NextStep = { step: "fail", reason: "connection" };
const FAIL_ACTION: NextStep = { step: "fail", reason: "action" };
const FAIL_STATUS: NextStep = { step: "fail", reason: "status" };
const FAIL_NOT_JSON: NextStep = { step: "fail", reason: "not-json" };

/** The rules of requests to the API: the user's `error_handler` policy, Retry-After honoured. */
export function requestRules(policy: RetryPolicy): RetryRules {
  return { policy, retryAfter: true, networkBackoff: true };
}

const SERVER_ERRORS = Array.from({ length: 100 }, (_, i) => 500 + i);

/**
 * The token request's rules: one retry, of a 5xx after the policy's first backoff (its Retry-After
 * unread) or at once of a reset connection (mostly a pooled connection the server had closed).
 */
export function tokenRequestRules(policy: RetryPolicy): RetryRules {
  return {
    policy: { ...policy, retry_on_status_codes: SERVER_ERRORS, max_retries: 1 },
    retryAfter: false,
    networkBackoff: false,
  };
}

/**
 * What follows attempt number `attempt` (1-based): the one place that decides between accepting a
 * response, a response action's verdict, renewing credentials after a 401 (once per request), a retry
 * and its wait, and failing. Pure: the clock and the jitter come from `timers`.
 */
export function nextStep(
  outcome: AttemptOutcome,
  attempt: number,
  rules: RetryRules,
  refreshTried: boolean,
  timers: Pick<HttpTimers, "now" | "random">,
): NextStep {
  const { policy } = rules;
  const retriesLeft = attempt <= policy.max_retries;
  if ("error" in outcome) {
    if (!retriesLeft || !isRetryableNetworkError(outcome.error)) return FAIL_CONNECTION;
    const delayMs = rules.networkBackoff ? retryDelayMs(attempt, policy, undefined, timers.random) : 0;
    return { step: "retry", delayMs };
  }
  const { status, action } = outcome;
  if (action === "ignore") return IGNORE;
  if (action === "fail") return FAIL_ACTION;
  if (status === 401 && outcome.refreshable === true && !refreshTried) return REFRESH;
  if (retriesLeft && (action === "retry" || policy.retry_on_status_codes.includes(status))) {
    const hint = rules.retryAfter ? parseRetryAfter(outcome.retryAfter, timers.now()) : undefined;
    return { step: "retry", delayMs: retryDelayMs(attempt, policy, hint, timers.random) };
  }
  if (status < 200 || status >= 300) return FAIL_STATUS;
  return outcome.notJson === true ? FAIL_NOT_JSON : ACCEPT;
}
