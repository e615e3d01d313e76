import { describe, expect, it } from "vitest";
import { type AttemptOutcome, nextStep, requestRules, tokenRequestRules } from "./next-step.js";
import { DEFAULT_RETRY_POLICY } from "./retry.js";

const now = Date.parse("2026-01-01T00:00:00Z");
const timers = { now: () => now, random: () => 1 };
const rules = requestRules(DEFAULT_RETRY_POLICY);
const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
const step = (outcome: AttemptOutcome, attempt = 1, refreshTried = false) =>
  nextStep(outcome, attempt, rules, refreshTried, timers);

describe("nextStep: what follows an attempt", () => {
  it("accepts a 2xx JSON response; fails a 2xx that is not JSON", () => {
    expect(step({ status: 200 })).toEqual({ step: "accept" });
    expect(step({ status: 204 })).toEqual({ step: "accept" });
    expect(step({ status: 200, notJson: true })).toEqual({ step: "fail", reason: "not-json" });
  });

  it("retries the policy's statuses with backoff until the retries are spent, then fails on the status", () => {
    expect(step({ status: 503 }, 1)).toEqual({ step: "retry", delayMs: 2000 });
    expect(step({ status: 503 }, 3)).toEqual({ step: "retry", delayMs: 8000 });
    expect(step({ status: 503 }, 4)).toEqual({ step: "fail", reason: "status" });
    expect(step({ status: 404 }, 1)).toEqual({ step: "fail", reason: "status" });
    expect(step({ status: 302 }, 1)).toEqual({ step: "fail", reason: "status" });
  });

  it("waits what Retry-After says, capped at max_delay", () => {
    expect(step({ status: 429, retryAfter: "7" })).toEqual({ step: "retry", delayMs: 7000 });
    expect(step({ status: 429, retryAfter: ["3", "9"] })).toEqual({ step: "retry", delayMs: 3000 });
    expect(step({ status: 429, retryAfter: "Thu, 01 Jan 2026 00:00:05 GMT" })).toEqual({
      step: "retry",
      delayMs: 5000,
    });
    expect(step({ status: 429, retryAfter: "600" })).toEqual({ step: "retry", delayMs: 60_000 });
    expect(step({ status: 429, retryAfter: "0" })).toEqual({ step: "retry", delayMs: 2000 });
  });

  it("response actions come first: ignore and fail win over the status, retry adds to the policy's statuses", () => {
    expect(step({ status: 404, action: "ignore" })).toEqual({ step: "ignore" });
    expect(step({ status: 503, action: "ignore" })).toEqual({ step: "ignore" });
    expect(step({ status: 200, action: "fail" })).toEqual({ step: "fail", reason: "action" });
    expect(step({ status: 401, action: "fail", refreshable: true })).toEqual({
      step: "fail",
      reason: "action",
    });
    expect(step({ status: 200, action: "retry" }, 1)).toEqual({ step: "retry", delayMs: 2000 });
    expect(step({ status: 200, action: "retry" }, 4)).toEqual({ step: "accept" });
    expect(step({ status: 200, action: "retry", notJson: true }, 4)).toEqual({
      step: "fail",
      reason: "not-json",
    });
  });

  it("a 401 with renewable credentials refreshes once, then is an ordinary status", () => {
    expect(step({ status: 401, refreshable: true })).toEqual({ step: "refresh" });
    expect(step({ status: 401, refreshable: true }, 1, true)).toEqual({ step: "fail", reason: "status" });
    expect(step({ status: 401 })).toEqual({ step: "fail", reason: "status" });
    const retry401 = requestRules({ ...DEFAULT_RETRY_POLICY, retry_on_status_codes: [401] });
    expect(nextStep({ status: 401, refreshable: true }, 1, retry401, true, timers)).toEqual({
      step: "retry",
      delayMs: 2000,
    });
  });

  it("a reset or timed-out connection is retried with backoff; other transport errors fail at once", () => {
    expect(step({ error: reset }, 1)).toEqual({ step: "retry", delayMs: 2000 });
    expect(step({ error: new Error("wrapped", { cause: reset }) }, 2)).toEqual({
      step: "retry",
      delayMs: 4000,
    });
    expect(step({ error: reset }, 4)).toEqual({ step: "fail", reason: "connection" });
    expect(step({ error: new TypeError("invalid URL") }, 1)).toEqual({ step: "fail", reason: "connection" });
  });

  it("the token request: one retry, a 5xx after the first backoff (Retry-After unread), a reset at once", () => {
    const token = tokenRequestRules({
      ...DEFAULT_RETRY_POLICY,
      max_retries: 5,
      retry_on_status_codes: [429],
    });
    const t = (outcome: AttemptOutcome, attempt: number) => nextStep(outcome, attempt, token, false, timers);
    expect(t({ status: 501, retryAfter: "30" }, 1)).toEqual({ step: "retry", delayMs: 2000 });
    expect(t({ status: 500 }, 2)).toEqual({ step: "fail", reason: "status" });
    expect(t({ status: 429 }, 1)).toEqual({ step: "fail", reason: "status" });
    expect(t({ status: 200 }, 1)).toEqual({ step: "accept" });
    expect(t({ error: reset }, 1)).toEqual({ step: "retry", delayMs: 0 });
    expect(t({ error: reset }, 2)).toEqual({ step: "fail", reason: "connection" });
  });
});
