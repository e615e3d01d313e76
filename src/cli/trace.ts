import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LogEntry } from "../core/logger.js";
import { redact } from "../core/redact.js";
import { type ProgressSnapshot, snapshotCounts } from "./progress.js";
import type { RequestLog, TracedRequest } from "./request-log.js";

/**
 * The record of one `sluice run`, written to `<pipeline working dir>/trace.json` when the run ends (also
 * when it fails): stages and timings, per-resource requests, pages and retries, and the run's log. It
 * passes through redaction as a whole, so no secret reaches the file.
 */
export interface RunTrace {
  pipeline_name: string;
  config: string;
  destination: string;
  dataset_name: string;
  location?: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  status: "ok" | "failed" | "interrupted";
  error?: { message: string; hint?: string };
  load_ids: string[];
  stages: { name: string; duration_ms: number }[];
  resources: {
    name: string;
    pages: number;
    records: number;
    requests: number;
    retries: number;
    elapsed_ms: number;
    /** How its extraction ended ("running" if the run ended before it did). */
    status?: "done" | "interrupted" | "failed" | "running";
    /** Each page as it arrived: its number, its records, ms after the resource started (first 500). */
    pages_log?: { page: number; records: number; at_ms: number }[];
    /** Its requests (bounded, see RequestLog), and how many were left out. */
    requests_log?: TracedRequest[];
    requests_dropped?: number;
  }[];
  tables: Record<string, number>;
  log: { time: string; level: string; msg: string; fields: Record<string, unknown> }[];
}

export const TRACE_FILE = "trace.json";

export function resourceTrace(
  s: ProgressSnapshot,
  pagesLog?: { page: number; records: number; at_ms: number }[],
  requests?: RequestLog,
): RunTrace["resources"][number] {
  const logged = requests?.forTrace()[s.name];
  return {
    name: s.name,
    ...snapshotCounts(s),
    ...(pagesLog === undefined ? {} : { pages_log: pagesLog }),
    ...(logged === undefined
      ? {}
      : { requests_log: logged.requests, requests_dropped: logged.requests_dropped }),
  };
}

export function logTrace(entries: LogEntry[]): RunTrace["log"] {
  return entries.map((e) => ({ time: e.time, level: e.level, msg: e.msg, fields: e.fields }));
}

export function writeTrace(workingDir: string, trace: RunTrace): string {
  mkdirSync(workingDir, { recursive: true });
  const path = join(workingDir, TRACE_FILE);
  // Log fields may hold exact int64 values (bigint), which JSON has no form for: kept as their digits.
  const text = JSON.stringify(trace, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  writeFileSync(path, `${redact(text)}\n`);
  return path;
}

export function readTrace(workingDir: string): RunTrace | undefined {
  try {
    return JSON.parse(readFileSync(join(workingDir, TRACE_FILE), "utf8")) as RunTrace;
  } catch {
    return undefined;
  }
}
