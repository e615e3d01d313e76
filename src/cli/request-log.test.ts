import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../core/resource.js";
import { RequestLog } from "./request-log.js";

const ok = (i: number): RequestRecord => ({
  method: "GET",
  url: `https://api.test/items?page=${i}`,
  status: 200,
  attempt: 1,
  durationMs: 5,
  bytes: 100,
  waitMs: 0,
  page: { index: i, records: 10, next: `GET https://api.test/items?page=${i + 1}` },
});

describe("request log", () => {
  it("keeps the first and last requests of each resource and every failed or retried one between", () => {
    const log = new RequestLog(0, { edge: 3, notable: 10 });
    for (let i = 0; i < 20; i++) {
      const r = ok(i);
      if (i === 7) log.add("items", { ...r, status: 503, retry: { cause: "503", delayMs: 1000 } }, i);
      if (i === 9) log.add("items", { ...r, status: 404 }, i);
      else log.add("items", r, i);
    }
    log.add("other", ok(0), 50);
    const { items, other } = log.forTrace();
    expect(items!.requests.map((r) => r.n)).toEqual([1, 2, 3, 8, 11, 19, 20, 21]);
    expect(items!.requests.find((r) => r.n === 8)?.retry).toEqual({ cause: "503", delayMs: 1000 });
    expect(items!.requests_dropped).toBe(21 - 8);
    expect(other).toEqual({ requests: [{ ...ok(0), n: 1, at_ms: 50 }], requests_dropped: 0 });
  });

  it("bounds the failed ones too", () => {
    const log = new RequestLog(0, { edge: 1, notable: 2 });
    for (let i = 0; i < 10; i++) log.add("items", { ...ok(i), status: 500 });
    const { items } = log.forTrace();
    expect(items!.requests.map((r) => r.n)).toEqual([1, 2, 3, 10]);
    expect(items!.requests_dropped).toBe(6);
  });
});
