import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { redact } from "../core/redact.js";
import type { RequestRecord } from "../core/resource.js";
import { writeFileAtomic } from "./atomic-file.js";
import { isProcessAlive } from "./run-lock.js";

/** One request as a run record keeps it: its number among the resource's requests and when it ended. */
export interface TracedRequest extends RequestRecord {
  /** 1-based number among this resource's requests (a gap shows where requests were left out). */
  n: number;
  /** Milliseconds after the run started. */
  at_ms: number;
}

/** What happened to one resource in [t_ms, t_ms + bucket_ms) after the run started. */
export interface TimelineBucket {
  t_ms: number;
  pages: number;
  records: number;
  requests: number;
  /** Average requests in flight over the bucket. */
  in_flight: number;
}

export type RunStatus = "running" | "ok" | "failed" | "interrupted";

/**
 * The record of one `sluice run`, kept as `<working dir>/runs/<id>.json`: written when the run starts,
 * rewritten about once a second while it runs (status `running`, the live counters a dashboard follows),
 * and a last time when it ends, also when it fails. Stages and timings, per-resource requests, pages,
 * retries and a timeline, and the run's log. It passes through redaction as a whole, so no secret reaches
 * the file.
 */
export interface RunTrace {
  /** Sortable: the start time, then a random suffix. */
  id: string;
  pipeline_name: string;
  config: string;
  destination: string;
  dataset_name: string;
  location?: string;
  started_at: string;
  finished_at?: string;
  duration_ms: number;
  status: RunStatus;
  /** The process running it, while `running`: a record whose process is gone was killed. */
  pid?: number;
  /** The stage it is in, while `running`. */
  stage?: string;
  /**
   * While `running` against a destination only one process can open (DuckDB): where the run answers
   * read-only queries, so viewers read through it instead of being locked out (see live-reads.ts).
   */
  read_endpoint?: { port: number; token: string };
  error?: { message: string; hint?: string };
  load_ids: string[];
  stages: { name: string; duration_ms: number }[];
  resources: {
    name: string;
    pages: number;
    records: number;
    requests: number;
    retries: number;
    /** Responses with status 429. */
    throttled?: number;
    /** Requests that ended in a 4xx/5xx or a network error, retried or not. */
    failed_requests?: number;
    /** Waited before requests (rate limit, Retry-After, backoff), summed. */
    wait_ms?: number;
    avg_in_flight?: number;
    elapsed_ms: number;
    expected_pages?: number;
    /** How its extraction ended ("running" if the run ended before it did). */
    status?: "done" | "interrupted" | "failed" | "running";
    /** Each page as it arrived: its number, its records, ms after the resource started (first 500). */
    pages_log?: { page: number; records: number; at_ms: number }[];
    /** Pages, records, requests and requests in flight over time, in buckets that widen as the run goes on. */
    timeline?: { bucket_ms: number; points: TimelineBucket[] };
    /** Its requests (bounded, see RequestLog), and how many were left out. */
    requests_log?: TracedRequest[];
    requests_dropped?: number;
  }[];
  tables: Record<string, number>;
  log: { time: string; level: string; msg: string; fields: Record<string, unknown> }[];
}

/** How many run records a pipeline keeps: the newest `max_runs`, none older than `max_age_days`. */
export interface RunRetention {
  max_runs: number;
  max_age_days: number;
}

export const DEFAULT_RUN_RETENTION: RunRetention = { max_runs: 100, max_age_days: 30 };

const RUNS_DIR = "runs";
/** Where sluice before run history kept only the last run's record; still read when no runs/ exist. */
const LEGACY_TRACE = "trace.json";

export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString().replace(/[:]/g, "-")}-${randomBytes(3).toString("hex")}`;
}

export function runPath(workingDir: string, id: string): string {
  return join(workingDir, RUNS_DIR, `${id}.json`);
}

/** Writes (or rewrites) a run's record atomically, so a reader never sees half of it. */
export function writeRun(workingDir: string, trace: RunTrace): string {
  mkdirSync(join(workingDir, RUNS_DIR), { recursive: true });
  const path = runPath(workingDir, trace.id);
  // Log fields may hold exact int64 values (bigint), which JSON has no form for: kept as their digits.
  const text = JSON.stringify(trace, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  writeFileAtomic(path, `${redact(text)}\n`);
  return path;
}

/** Run ids, newest first. */
export function runIds(workingDir: string): string[] {
  const dir = join(workingDir, RUNS_DIR);
  if (!existsSync(dir)) return existsSync(join(workingDir, LEGACY_TRACE)) ? [LEGACY_ID] : [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.slice(0, -".json".length))
    .sort()
    .reverse();
}

/** The id a legacy `trace.json` is listed under. */
const LEGACY_ID = "last";

/**
 * One run's record, with a `running` record whose process is gone shown as what it is: interrupted.
 * Undefined when there is no such run (or its file is being replaced and cannot be read yet).
 */
export function readRun(workingDir: string, id: string): RunTrace | undefined {
  // An id comes from a URL too: nothing but a file name in runs/.
  if (!/^[\w.-]+$/.test(id)) return undefined;
  const file = id === LEGACY_ID ? join(workingDir, LEGACY_TRACE) : runPath(workingDir, id);
  let trace: RunTrace;
  try {
    trace = JSON.parse(readFileSync(file, "utf8")) as RunTrace;
  } catch {
    return undefined;
  }
  trace.id ??= id;
  return settled(trace);
}

/** The newest run's record. */
export function readLatestRun(workingDir: string): RunTrace | undefined {
  for (const id of runIds(workingDir)) {
    const run = readRun(workingDir, id);
    if (run !== undefined) return run;
  }
  return undefined;
}

/** A run still marked running is live only while its process is. */
export function settled(trace: RunTrace): RunTrace {
  if (trace.status !== "running" || (trace.pid !== undefined && isProcessAlive(trace.pid))) return trace;
  const { read_endpoint: _gone, ...rest } = trace;
  return {
    ...rest,
    status: "interrupted",
    error: trace.error ?? {
      message: `the run's process${trace.pid === undefined ? "" : ` (pid ${trace.pid})`} ended without finishing the run (killed?)`,
      hint: "run the same command again: pending work is resumed, nothing is loaded twice",
    },
  };
}

/**
 * Deletes run records beyond the retention: older than `max_age_days` or past the newest `max_runs`.
 * The run `keep` (the one being written) always stays.
 */
export function pruneRuns(workingDir: string, retention: RunRetention, keep: string, now = Date.now()): void {
  const cutoff = now - retention.max_age_days * 86_400_000;
  runIds(workingDir).forEach((id, i) => {
    if (id === keep || id === LEGACY_ID) return;
    const file = runPath(workingDir, id);
    let old = false;
    try {
      old = statSync(file).mtimeMs < cutoff;
    } catch {
      return;
    }
    if (i >= retention.max_runs || old) rmSync(file, { force: true });
  });
  rmSync(join(workingDir, LEGACY_TRACE), { force: true });
}

/**
 * Which response statuses a filter admits: one status (`404`; `0` is a network error), a class (`4xx`),
 * or every status when none is given. Undefined when the filter is neither.
 */
export function statusFilter(status: string | undefined): ((code: number) => boolean) | undefined {
  if (status === undefined || status === "") return () => true;
  const cls = /^([1-5])xx$/i.exec(status);
  if (cls) return (code) => Math.floor(code / 100) === Number(cls[1]);
  if (/^\d+$/.test(status)) return (code) => code === Number(status);
  return undefined;
}
