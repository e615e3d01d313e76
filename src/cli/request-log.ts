import type { RequestRecord } from "../core/resource.js";
import type { TracedRequest } from "../pipeline/run-history.js";

export type { TracedRequest };

/** What every request of a resource added up to: 429s, failures (4xx, 5xx, network) and time waited. */
export interface RequestTotals {
  throttled: number;
  failed: number;
  waitMs: number;
}

export interface RequestLogBounds {
  /** Requests kept from the start and from the end of each resource. Default 300 each. */
  edge: number;
  /** Failed or retried requests kept besides them. Default 1,000. */
  notable: number;
}

/**
 * Each resource's requests, bounded for the trace: the first and the last `edge`, plus every failed (4xx,
 * 5xx, network) or retried one up to `notable`. A run of a million pages keeps a trace of a few thousand
 * lines and still holds every request that went wrong.
 */
export class RequestLog {
  private readonly byResource = new Map<
    string,
    {
      count: number;
      first: TracedRequest[];
      last: TracedRequest[];
      notable: TracedRequest[];
      dropped: number;
      totals: RequestTotals;
    }
  >();
  private readonly bounds: RequestLogBounds;

  constructor(
    private readonly startedAt: number,
    bounds: Partial<RequestLogBounds> = {},
  ) {
    this.bounds = { edge: bounds.edge ?? 300, notable: bounds.notable ?? 1000 };
  }

  add(resource: string, request: RequestRecord, now = performance.now()): TracedRequest {
    let log = this.byResource.get(resource);
    if (log === undefined) {
      log = {
        count: 0,
        first: [],
        last: [],
        notable: [],
        dropped: 0,
        totals: { throttled: 0, failed: 0, waitMs: 0 },
      };
      this.byResource.set(resource, log);
    }
    if (request.status === 429) log.totals.throttled++;
    if (request.status >= 400 || request.status === 0) log.totals.failed++;
    log.totals.waitMs += request.waitMs;
    const traced: TracedRequest = { ...request, n: ++log.count, at_ms: Math.round(now - this.startedAt) };
    const { edge, notable } = this.bounds;
    if (log.first.length < edge) {
      log.first.push(traced);
      return traced;
    }
    log.last.push(traced);
    if (log.last.length > edge) {
      const out = log.last.shift()!;
      if (isNotable(out) && log.notable.length < notable) log.notable.push(out);
      else log.dropped++;
    }
    return traced;
  }

  /** Counted over every request of the resource, kept or not. */
  totals(resource: string): RequestTotals {
    return this.byResource.get(resource)?.totals ?? { throttled: 0, failed: 0, waitMs: 0 };
  }

  /** Per resource, the kept requests in order and how many were left out. */
  forTrace(): Record<string, { requests: TracedRequest[]; requests_dropped: number }> {
    const out: Record<string, { requests: TracedRequest[]; requests_dropped: number }> = {};
    for (const [resource, log] of this.byResource)
      out[resource] = {
        requests: [...log.first, ...log.notable, ...log.last],
        requests_dropped: log.dropped,
      };
    return out;
  }
}

/** Failed or retried: what a trace must keep whatever the bounds. */
export function isNotable(r: RequestRecord): boolean {
  return r.retry !== undefined || r.status >= 400 || r.status === 0;
}
