import { describe, expect, it } from "vitest";
import { RunTimeline } from "./run-timeline.js";

describe("RunTimeline", () => {
  it("buckets pages, records and requests, and spreads each request's time in flight over its buckets", () => {
    const t = new RunTimeline();
    t.page("a", 10, 100);
    t.page("a", 5, 300);
    // In flight from 200 to 700 ms: 50 ms of bucket 0, 250 of bucket 1, 200 of bucket 2.
    t.request("a", 700, 500);
    const out = t.forTrace("a");
    expect(out?.bucket_ms).toBe(250);
    expect(out?.points).toEqual([
      { t_ms: 0, pages: 1, records: 10, requests: 0, in_flight: 0.2 },
      { t_ms: 250, pages: 1, records: 5, requests: 0, in_flight: 1 },
      { t_ms: 500, pages: 0, records: 0, requests: 1, in_flight: 0.8 },
    ]);
    expect(t.forTrace("b")).toBeUndefined();
  });

  it("stays bounded on a long run: buckets widen and keep every total", () => {
    const t = new RunTimeline();
    let records = 0;
    for (let ms = 0; ms < 3_600_000; ms += 500) {
      t.page("long", 3, ms);
      t.request("long", ms + 100, 100);
      records += 3;
    }
    const out = t.forTrace("long");
    expect(out?.points.length).toBeLessThanOrEqual(240);
    expect(out?.points.reduce((n, p) => n + p.records, 0)).toBe(records);
    expect(out?.points.reduce((n, p) => n + p.requests, 0)).toBe(7200);
    // One request of 100 ms every 500 ms: 0.2 in flight on average, whatever the bucket width.
    const mid = out?.points[Math.floor((out?.points.length ?? 0) / 2)];
    expect(mid?.in_flight).toBeCloseTo(0.2, 1);
  });
});
