import type { TimelineBucket } from "../pipeline/run-history.js";

/** Buckets kept per resource: when a run outgrows them, each bucket doubles in width (pairs merge). */
const MAX_BUCKETS = 240;
const FIRST_BUCKET_MS = 250;

interface Series {
  bucketMs: number;
  pages: number[];
  records: number[];
  requests: number[];
  /** Request-milliseconds in flight per bucket; over the bucket's width it is the average in flight. */
  busyMs: number[];
}

/**
 * Each resource's activity over time, on the run's clock, in a bounded number of buckets: pages and
 * records as they arrive, requests as they end, and the time each request was in flight spread over the
 * buckets it spanned. A run of seconds gets quarter-second detail; a run of hours stays a few hundred points.
 */
export class RunTimeline {
  private readonly series = new Map<string, Series>();

  /** A page (batch) of `records` reached the pipeline `atMs` after the run started. */
  page(resource: string, records: number, atMs: number): void {
    const s = this.of(resource);
    const i = this.slot(s, atMs);
    s.pages[i] = (s.pages[i] ?? 0) + 1;
    s.records[i] = (s.records[i] ?? 0) + records;
  }

  /** A request that ended `endMs` after the run started, after `durationMs` in flight. */
  request(resource: string, endMs: number, durationMs: number): void {
    const s = this.of(resource);
    const end = this.slot(s, endMs);
    s.requests[end] = (s.requests[end] ?? 0) + 1;
    const start = Math.max(0, endMs - durationMs);
    this.slot(s, start);
    for (let t = start; t < endMs; ) {
      const i = Math.floor(t / s.bucketMs);
      const next = Math.min(endMs, (i + 1) * s.bucketMs);
      s.busyMs[i] = (s.busyMs[i] ?? 0) + (next - t);
      t = next;
    }
  }

  forTrace(resource: string): { bucket_ms: number; points: TimelineBucket[] } | undefined {
    const s = this.series.get(resource);
    if (s === undefined) return undefined;
    const n = Math.max(s.pages.length, s.records.length, s.requests.length, s.busyMs.length);
    const points: TimelineBucket[] = [];
    for (let i = 0; i < n; i++)
      points.push({
        t_ms: i * s.bucketMs,
        pages: s.pages[i] ?? 0,
        records: s.records[i] ?? 0,
        requests: s.requests[i] ?? 0,
        in_flight: Math.round(((s.busyMs[i] ?? 0) / s.bucketMs) * 100) / 100,
      });
    return { bucket_ms: s.bucketMs, points };
  }

  private of(resource: string): Series {
    let s = this.series.get(resource);
    if (s === undefined) {
      s = { bucketMs: FIRST_BUCKET_MS, pages: [], records: [], requests: [], busyMs: [] };
      this.series.set(resource, s);
    }
    return s;
  }

  /** The bucket of `atMs`, widening every bucket until it fits. */
  private slot(s: Series, atMs: number): number {
    while (Math.floor(atMs / s.bucketMs) >= MAX_BUCKETS) {
      s.bucketMs *= 2;
      for (const key of ["pages", "records", "requests", "busyMs"] as const) s[key] = mergePairs(s[key]);
    }
    return Math.floor(Math.max(0, atMs) / s.bucketMs);
  }
}

function mergePairs(values: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 2) out.push((values[i] ?? 0) + (values[i + 1] ?? 0));
  return out;
}
