import type { ResourceMetrics } from "../core/resource.js";
import { formatCount, formatDuration, plural } from "./text-table.js";

/**
 * Run progress for people. On a terminal: one live line per resource (pages, records, records/s,
 * retries, elapsed) under the current stage, redrawn in place. Elsewhere (CI, pipes): plain lines at a
 * steady pace, only for resources that moved, so logs stay readable and bounded.
 */
export interface ResourceProgress {
  name: string;
  startedAt: number;
  finishedAt?: number;
  /** How the resource ended: set with `finishedAt` (a run stopped by a signal or an error ends the rest). */
  outcome?: ResourceOutcome;
  /** Metrics objects the source updates (one per read call: children are read once per parent record). */
  sources: ResourceMetrics[];
  /** Records and batches counted as they pass through, for sources that do not fill in metrics. */
  seenRecords: number;
  seenBatches: number;
  /** When each page (batch) arrived, for the trace; the first PAGE_LOG_LIMIT pages only. */
  pageLog: { page: number; records: number; at_ms: number }[];
  /** Pages the resource will have in all, once its paginator planned them from a total. */
  expectedPages?: number;
}

export const PAGE_LOG_LIMIT = 500;

/** How a resource's extraction ended. */
export type ResourceOutcome = "done" | "interrupted" | "failed";

export interface ProgressSnapshot {
  name: string;
  pages: number;
  records: number;
  retries: number;
  requests: number;
  /** Requests in flight on average while the resource ran (0 for a source that reports no request time). */
  avgInFlight: number;
  elapsedMs: number;
  done: boolean;
  /** Set once the resource has ended. */
  outcome?: ResourceOutcome;
  /** Pages in all, when known: progress has an end (bar, percentage, time left). */
  expectedPages?: number;
}

export function snapshot(p: ResourceProgress, now: number): ProgressSnapshot {
  const sum = (k: keyof ResourceMetrics) => p.sources.reduce((acc, m) => acc + (m[k] ?? 0), 0);
  const elapsedMs = (p.finishedAt ?? now) - p.startedAt;
  return {
    name: p.name,
    pages: Math.max(sum("pages"), p.seenBatches),
    records: Math.max(sum("records"), p.seenRecords),
    retries: sum("retries"),
    requests: sum("requests"),
    avgInFlight: elapsedMs > 0 ? sum("requestMs") / elapsedMs : 0,
    elapsedMs,
    done: p.finishedAt !== undefined,
    ...(p.finishedAt === undefined ? {} : { outcome: p.outcome ?? "done" }),
    ...(p.expectedPages === undefined ? {} : { expectedPages: p.expectedPages }),
  };
}

const BAR_CELLS = 20;

/** How far a resource is, when its end is known: the fraction done and the time left at its pace so far. */
export function progressEnd(
  s: ProgressSnapshot,
): { fraction: number; leftMs: number | undefined } | undefined {
  if (s.expectedPages === undefined || s.expectedPages <= 0 || s.done) return undefined;
  const fraction = Math.min(1, s.pages / s.expectedPages);
  const leftMs = s.pages > 0 ? (s.elapsedMs / s.pages) * Math.max(0, s.expectedPages - s.pages) : undefined;
  return { fraction, leftMs };
}

/**
 * One resource's progress. `live` (a terminal) leads with a bar, the percentage and the time left where
 * the end is known; the plain lines say the same in words (`35 of 100 pages (35%), about 12 s left`).
 */
export function describeProgress(s: ProgressSnapshot, nameWidth = 0, live = false): string {
  const rate = s.elapsedMs > 0 ? Math.round((s.records * 1000) / s.elapsedMs) : 0;
  const end = progressEnd(s);
  const percent = end === undefined ? "" : `${Math.floor(end.fraction * 100)}%`;
  const left = end?.leftMs === undefined ? "" : formatDuration(end.leftMs);
  const pages =
    s.expectedPages !== undefined && !s.done
      ? `${formatCount(s.pages)} of ${plural(s.expectedPages, "page")}`
      : plural(s.pages, "page");
  const parts = [s.name.padEnd(nameWidth)];
  if (end !== undefined && live) {
    const filled = Math.round(end.fraction * BAR_CELLS);
    parts.push(`[${"#".repeat(filled)}${".".repeat(BAR_CELLS - filled)}] ${percent.padStart(4)}`);
    if (left !== "") parts.push(`ETA ${left}`);
    parts.push(pages);
  } else if (end !== undefined)
    parts.push(`${pages} (${percent}${left === "" ? "" : `, about ${left} left`})`);
  else parts.push(pages);
  parts.push(
    plural(s.records, "record"),
    `${formatCount(rate)} rec/s`,
    `${s.retries} retr${s.retries === 1 ? "y" : "ies"}`,
    formatDuration(s.elapsedMs),
  );
  return `${parts.join("  ")}${s.done ? `  ${s.outcome ?? "done"}` : ""}`;
}

/**
 * Cuts a line to fit `columns` terminal cells, so a live block never wraps: the cursor-up count that
 * erases it is then exactly its line count. One cell is left free, since some terminals wrap as soon as
 * the last column is written. Wide (East Asian, emoji) characters count two cells.
 */
export function truncateLine(line: string, columns: number | undefined): string {
  if (columns === undefined || !Number.isFinite(columns) || columns <= 0) return line;
  const room = Math.max(1, Math.floor(columns) - 1);
  let width = 0;
  let out = "";
  const chars = Array.from(line);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const w = cellWidth(ch);
    // Keep one cell for the ellipsis unless the rest of the line fits exactly.
    if (width + w > room || (width + w === room && i < chars.length - 1)) return `${out}…`;
    out += ch;
    width += w;
  }
  return out;
}

const WIDE =
  /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;

function cellWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  // Combining marks, zero-width spaces and joiners, variation selectors.
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
    return 0;
  return WIDE.test(ch) ? 2 : 1;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream;
  live: boolean;
  /** Plain mode: how often to print lines for resources that moved. */
  intervalMs?: number;
  /** Live mode: redraw period. */
  redrawMs?: number;
  /** Live mode: the terminal's width now (read at every redraw, so a resize is followed). */
  columns?: () => number | undefined;
  /** Plain mode: one JSON object per line (`--log-format json`) instead of text. */
  json?: boolean;
  now?: () => number;
}

export class ProgressReporter {
  private readonly resources = new Map<string, ResourceProgress>();
  private readonly lastPrinted = new Map<string, number>();
  private stage = "preparing";
  private stageStartedAt: number;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private endedAs: ResourceOutcome | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.stageStartedAt = this.now();
  }

  /** True when the reporter redraws a block in place (log lines must then go through `writeLine`). */
  get live(): boolean {
    return this.options.live;
  }

  start(): void {
    const period = this.options.live ? (this.options.redrawMs ?? 120) : (this.options.intervalMs ?? 2000);
    this.timer = setInterval(() => this.tick(), period);
    this.timer.unref();
  }

  /** The progress entry for a resource, created on first use. */
  resource(name: string): ResourceProgress {
    let p = this.resources.get(name);
    if (!p) {
      p = { name, startedAt: this.now(), sources: [], seenRecords: 0, seenBatches: 0, pageLog: [] };
      this.resources.set(name, p);
      if (!this.options.live && !this.stopped) this.plain(`extract ${name}: started`, { resource: name });
    }
    return p;
  }

  /** The pages a resource will have in all (from its paginator's plan): its progress gets an end. */
  expectPages(name: string, pages: number): void {
    this.resource(name).expectedPages = pages;
  }

  finish(name: string): void {
    const p = this.resources.get(name);
    if (!p || p.finishedAt !== undefined || this.stopped) return;
    p.finishedAt = this.now();
    p.outcome = "done";
    if (!this.options.live) this.plainProgress(snapshot(p, this.now()));
    else this.redraw();
  }

  setStage(stage: string): void {
    if (stage === this.stage || this.stopped) return;
    if (this.stage === "extract") this.endUnfinished("done");
    this.stage = stage;
    this.stageStartedAt = this.now();
    if (this.options.live) this.redraw();
    else this.plain(`stage: ${stage}`, { stage });
  }

  /** Writes a log line without tearing the live block. */
  writeLine(text: string): void {
    if (!this.options.live || this.stopped) {
      this.options.stream.write(text);
      return;
    }
    this.clear();
    this.options.stream.write(text);
    this.draw();
  }

  /**
   * Ends the display: resources still running end with `outcome` ("interrupted" after a signal, "failed"
   * after an error: never "done" for work that did not finish), drawn one last time. Idempotent.
   */
  stop(outcome: ResourceOutcome = "done"): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const unfinished = this.endUnfinished(outcome);
    this.endedAs = outcome;
    if (this.options.live) {
      this.redraw();
      this.drawnLines = 0;
    } else if (outcome !== "done") for (const p of unfinished) this.plainProgress(snapshot(p, this.now()));
    this.stopped = true;
  }

  /** Milliseconds since the resource started, on the reporter's clock. */
  elapsed(p: ResourceProgress): number {
    return this.now() - p.startedAt;
  }

  pageLogs(): Record<string, ResourceProgress["pageLog"]> {
    return Object.fromEntries([...this.resources.values()].map((p) => [p.name, p.pageLog]));
  }

  snapshots(): ProgressSnapshot[] {
    const now = this.now();
    return [...this.resources.values()].map((p) => snapshot(p, now));
  }

  private endUnfinished(outcome: ResourceOutcome): ResourceProgress[] {
    const ended: ResourceProgress[] = [];
    for (const p of this.resources.values()) {
      if (p.finishedAt !== undefined) continue;
      p.finishedAt = this.now();
      p.outcome = outcome;
      ended.push(p);
    }
    return ended;
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.options.live) {
      this.redraw();
      return;
    }
    const now = this.now();
    for (const p of this.resources.values()) {
      if (p.finishedAt !== undefined) continue;
      const s = snapshot(p, now);
      if (this.lastPrinted.get(p.name) === s.records + s.pages) continue;
      this.lastPrinted.set(p.name, s.records + s.pages);
      this.plainProgress(s);
    }
  }

  /** A plain (not live) line: text, or one JSON object with the numbers as fields. */
  private plain(text: string, fields: Record<string, string | number>): void {
    if (this.options.json)
      this.options.stream.write(
        `${JSON.stringify({ time: new Date(this.now()).toISOString(), level: "info", msg: text, progress: true, ...fields })}\n`,
      );
    else this.options.stream.write(`${text}\n`);
  }

  private plainProgress(s: ProgressSnapshot): void {
    this.plain(`extract ${describeProgress(s)}`, { resource: s.name, ...snapshotCounts(s) });
  }

  private lines(): string[] {
    const now = this.now();
    const snaps = [...this.resources.values()].map((p) => snapshot(p, now));
    const width = Math.max(0, ...snaps.map((s) => s.name.length));
    const ended = this.endedAs !== undefined && this.endedAs !== "done" ? ` ${this.endedAs}` : "";
    const stageLine = `${this.stage} ${formatDuration(now - this.stageStartedAt)}${ended}`;
    const columns = this.options.columns?.();
    // How a resource ended is the one word that must survive a narrow terminal: cut the numbers instead.
    const resourceLine = (s: ProgressSnapshot): string => {
      // A finished resource shows its counts, not a full bar.
      const { expectedPages: _planned, ...counts } = s;
      const body = `  ${describeProgress({ ...(s.done ? counts : s), done: false }, width, true)}`;
      if (!s.done) return truncateLine(body, columns);
      const label = `  ${s.outcome ?? "done"}`;
      return `${truncateLine(body, columns === undefined ? undefined : Math.max(2, columns - label.length))}${label}`;
    };
    return [truncateLine(stageLine, columns), ...snaps.map(resourceLine)];
  }

  private clear(): void {
    if (this.drawnLines === 0) return;
    // From column 0: the terminal may have echoed "^C" after the block, and the erase must start at the
    // block's first line, never above it.
    this.options.stream.write(`\r\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(): void {
    const lines = this.lines();
    this.options.stream.write(`${lines.join("\n")}\n`);
    this.drawnLines = lines.length;
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }
}

/** A resource's counts as the plain log lines and the trace both report them. */
export function snapshotCounts(s: ProgressSnapshot): {
  pages: number;
  records: number;
  requests: number;
  retries: number;
  avg_in_flight: number;
  elapsed_ms: number;
  status: ResourceOutcome | "running";
} {
  return {
    pages: s.pages,
    records: s.records,
    requests: s.requests,
    retries: s.retries,
    avg_in_flight: Math.round(s.avgInFlight * 10) / 10,
    elapsed_ms: Math.round(s.elapsedMs),
    status: s.outcome ?? "running",
  };
}
