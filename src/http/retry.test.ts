import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_POLICY, mergeRetryPolicy, parseRetryAfter, retryDelayMs } from "./retry.js";
import { encodeParams, joinUrl, withParams } from "./url.js";

describe("retry policy", () => {
  it("defaults to the documented policy and merges client < endpoint", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      retry_on_status_codes: [429, 500, 502, 503, 504],
      max_retries: 3,
      backoff_factor: 2,
      max_delay: 60,
    });
    expect(mergeRetryPolicy({ max_retries: 5, backoff_factor: 1 }, { max_retries: 1 })).toEqual({
      retry_on_status_codes: [429, 500, 502, 503, 504],
      max_retries: 1,
      backoff_factor: 1,
      max_delay: 60,
    });
  });

  it("backs off factor × 2^(n−1) with jitter, capped at max_delay", () => {
    const p = DEFAULT_RETRY_POLICY;
    expect(retryDelayMs(1, p, undefined, () => 1)).toBe(2000);
    expect(retryDelayMs(2, p, undefined, () => 1)).toBe(4000);
    expect(retryDelayMs(3, p, undefined, () => 0)).toBe(4000);
    expect(retryDelayMs(10, p, undefined, () => 1)).toBe(60_000);
    expect(retryDelayMs(1, { ...p, backoff_factor: 0 }, undefined, () => 0)).toBe(100);
  });

  it("honours Retry-After seconds and dates; 0 and past dates are no hint", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3);
    expect(parseRetryAfter("0", now)).toBeUndefined();
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:59:00 GMT", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 7, () => 0)).toBe(7000);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, 600, () => 0)).toBe(60_000);
  });
});

describe("urls", () => {
  it("keeps the base path, uses absolute paths as is", () => {
    expect(joinUrl("https://h/v2", "/v1/x")).toBe("https://h/v2/v1/x");
    expect(joinUrl("https://h/v2/", "v1/x")).toBe("https://h/v2/v1/x");
    expect(joinUrl("https://h/v2", "https://o/z")).toBe("https://o/z");
    expect(joinUrl("https://h/v2", "")).toBe("https://h/v2");
  });
  it("encodes params: lists repeated, null omitted, booleans spelled", () => {
    expect(encodeParams({ a: [1, 2], b: null, c: undefined, d: true, e: false, f: "x y&z" })).toBe(
      "a=1&a=2&d=true&e=false&f=x%20y%26z",
    );
    expect(withParams("https://h/p?x=1", { y: 2 })).toBe("https://h/p?x=1&y=2");
    expect(withParams("https://h/p", {})).toBe("https://h/p");
  });
});
