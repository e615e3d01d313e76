import type { LogEntry } from "../core/logger.js";
import type { RunTrace } from "../pipeline/run-history.js";
import { type ProgressSnapshot, snapshotCounts } from "./progress.js";
import type { RequestLog } from "./request-log.js";
import type { RunTimeline } from "./run-timeline.js";

export type { RunTrace };

/** One resource's part of the run record, from what the progress display, the request log and the timeline saw. */
export function resourceTrace(
  s: ProgressSnapshot,
  seen: {
    pagesLog?: { page: number; records: number; at_ms: number }[];
    requests?: RequestLog;
    timeline?: RunTimeline;
    /** While the run goes on: counters and timeline only, not every request (rewritten each second). */
    live?: boolean;
  },
): RunTrace["resources"][number] {
  const totals = seen.requests?.totals(s.name);
  const logged = seen.live ? undefined : seen.requests?.forTrace()[s.name];
  const timeline = seen.timeline?.forTrace(s.name);
  return {
    name: s.name,
    ...snapshotCounts(s),
    ...(totals === undefined
      ? {}
      : { throttled: totals.throttled, failed_requests: totals.failed, wait_ms: Math.round(totals.waitMs) }),
    ...(s.expectedPages === undefined ? {} : { expected_pages: s.expectedPages }),
    ...(seen.pagesLog === undefined || seen.live ? {} : { pages_log: seen.pagesLog }),
    ...(timeline === undefined ? {} : { timeline }),
    ...(logged === undefined
      ? {}
      : { requests_log: logged.requests, requests_dropped: logged.requests_dropped }),
  };
}

export function logTrace(entries: LogEntry[]): RunTrace["log"] {
  return entries.map((e) => ({ time: e.time, level: e.level, msg: e.msg, fields: e.fields }));
}
