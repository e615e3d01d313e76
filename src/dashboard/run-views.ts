import type { RunTrace } from "../pipeline/run-history.js";
import { statusFilter } from "../pipeline/run-history.js";
import type { SchemaVersionRecord } from "../pipeline/state-store.js";
import type {
  RequestRow,
  RequestsResponse,
  ResourceRun,
  RunDetail,
  RunLive,
  RunSummary,
} from "./api-types.js";

/** A run record as lists show it. */
export function runSummary(trace: RunTrace): RunSummary {
  const sum = (k: "records" | "requests" | "retries") => trace.resources.reduce((n, r) => n + (r[k] ?? 0), 0);
  return {
    id: trace.id,
    pipeline: trace.pipeline_name,
    status: trace.status,
    started_at: trace.started_at,
    ...(trace.finished_at === undefined ? {} : { finished_at: trace.finished_at }),
    duration_ms: trace.duration_ms,
    rows: Object.values(trace.tables).reduce((n, r) => n + r, 0),
    records: sum("records"),
    requests: sum("requests"),
    retries: sum("retries"),
    ...(trace.error === undefined ? {} : { error: trace.error }),
  };
}

function resourceRun(r: RunTrace["resources"][number]): ResourceRun {
  return {
    name: r.name,
    status: r.status ?? "done",
    pages: r.pages,
    records: r.records,
    requests: r.requests,
    retries: r.retries,
    throttled: r.throttled ?? 0,
    failed_requests: r.failed_requests ?? 0,
    wait_ms: r.wait_ms ?? 0,
    elapsed_ms: r.elapsed_ms,
    avg_in_flight: r.avg_in_flight ?? 0,
    ...(r.expected_pages === undefined ? {} : { expected_pages: r.expected_pages }),
    timeline: r.timeline ?? { bucket_ms: 0, points: [] },
  };
}

/** Everything the run page shows; `history` says which schema versions the run's loads committed. */
export function runDetail(trace: RunTrace, history: readonly SchemaVersionRecord[]): RunDetail {
  const loads = new Set(trace.load_ids);
  return {
    ...runSummary(trace),
    config: trace.config,
    destination: trace.destination,
    ...(trace.location === undefined ? {} : { location: trace.location }),
    dataset_name: trace.dataset_name,
    load_ids: trace.load_ids,
    stages: trace.stages,
    resources: trace.resources.map(resourceRun),
    tables: trace.tables,
    schema_versions: history
      .filter((v) => v.load_id !== undefined && loads.has(v.load_id))
      .map((v) => v.version),
    log: trace.log.map((e) => ({ time: e.time, level: e.level, msg: e.msg })),
  };
}

/** A running run's counters, with each resource's recent rate from its timeline. */
export function runLive(trace: RunTrace): RunLive {
  return {
    ...runSummary(trace),
    ...(trace.stage === undefined ? {} : { stage: trace.stage }),
    resources: trace.resources.map((r) => {
      const run = resourceRun(r);
      return {
        name: run.name,
        status: run.status,
        pages: run.pages,
        records: run.records,
        requests: run.requests,
        retries: run.retries,
        throttled: run.throttled,
        ...(run.expected_pages === undefined ? {} : { expected_pages: run.expected_pages }),
        rate: recentRate(run),
      };
    }),
  };
}

/** Records per second over the last few seconds of the timeline (the last, still filling, bucket left out). */
function recentRate(run: ResourceRun): number {
  const { bucket_ms, points } = run.timeline;
  if (bucket_ms <= 0 || points.length < 2)
    return run.elapsed_ms > 0 ? (run.records * 1000) / run.elapsed_ms : 0;
  const window = points.slice(-1 - Math.max(1, Math.ceil(3000 / bucket_ms)), -1);
  const records = window.reduce((n, p) => n + p.records, 0);
  return Math.round((records * 1000) / (window.length * bucket_ms));
}

/** The run's kept requests, of one resource and one status (or class) when asked. */
export function runRequests(
  trace: RunTrace,
  resource: string | undefined,
  status: string | undefined,
): RequestsResponse | { error: string } {
  const matches = statusFilter(status);
  if (matches === undefined)
    return { error: `"${status}" is not a status: give one like 404, or a class like 4xx` };
  const resources = trace.resources.filter((r) => resource === undefined || r.name === resource);
  if (resource !== undefined && resources.length === 0)
    return { error: `the run has no resource "${resource}"` };
  const requests: RequestRow[] = resources
    .flatMap((r) => r.requests_log ?? [])
    .filter((q) => matches(q.status))
    .map((q) => ({
      n: q.n,
      at_ms: q.at_ms,
      method: q.method,
      url: q.url,
      status: q.status,
      attempt: q.attempt,
      duration_ms: Math.round(q.durationMs),
      wait_ms: Math.round(q.waitMs),
      bytes: q.bytes,
      ...(q.page === undefined
        ? {}
        : { page: { index: q.page.index, records: q.page.records, next: q.page.next } }),
      ...(q.retry === undefined ? {} : { retry: { cause: q.retry.cause, delay_ms: q.retry.delayMs } }),
    }));
  return {
    ...(resource === undefined ? {} : { resource }),
    requests,
    dropped: resources.reduce((n, r) => n + (r.requests_dropped ?? 0), 0),
  };
}
