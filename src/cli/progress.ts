import type { ResourceMetrics } from "../core/resource.js";
import { formatCount, formatDuration } from "./text-table.js";

/**
 * Run progress for people. On a terminal: one live line per resource (pages, records, records/s,
 * retries, elapsed) under the current stage, redrawn in place. Elsewhere (CI, pipes): plain lines at a
 * steady pace, only for resources that moved, so logs stay readable and bounded.
 */
export interface ResourceProgress {
  name: string;
  startedAt: number;
  finishedAt?: number;
  /** Metrics objects the source updates (one per read call: children are read once per parent record). */
  sources: ResourceMetrics[];
  /** Records and batches counted as they pass through, for sources that do not fill in metrics. */
  seenRecords: number;
  seenBatches: number;
  /** When each page (batch) arrived, for the trace; the first PAGE_LOG_LIMIT pages only. */
  pageLog: { page: number; records: number; at_ms: number }[];
}

export const PAGE_LOG_LIMIT = 500;

export interface ProgressSnapshot {
  name: string;
  pages: number;
  records: number;
  retries: number;
  requests: number;
  elapsedMs: number;
  done: boolean;
}

export function snapshot(p: ResourceProgress, now: number): ProgressSnapshot {
  const sum = (k: keyof ResourceMetrics) => p.sources.reduce((acc, m) => acc + (m[k] ?? 0), 0);
  return {
    name: p.name,
    pages: Math.max(sum("pages"), p.seenBatches),
    records: Math.max(sum("records"), p.seenRecords),
    retries: sum("retries"),
    requests: sum("requests"),
    elapsedMs: (p.finishedAt ?? now) - p.startedAt,
    done: p.finishedAt !== undefined,
  };
}

export function describeProgress(s: ProgressSnapshot, nameWidth = 0): string {
  const rate = s.elapsedMs > 0 ? Math.round((s.records * 1000) / s.elapsedMs) : 0;
  const parts = [
    s.name.padEnd(nameWidth),
    `${formatCount(s.pages)} page${s.pages === 1 ? "" : "s"}`,
    `${formatCount(s.records)} records`,
    `${formatCount(rate)} rec/s`,
    `${s.retries} retr${s.retries === 1 ? "y" : "ies"}`,
    formatDuration(s.elapsedMs),
  ];
  return `${parts.join("  ")}${s.done ? "  done" : ""}`;
}

export interface ProgressOptions {
  stream: NodeJS.WritableStream;
  live: boolean;
  /** Plain mode: how often to print lines for resources that moved. */
  intervalMs?: number;
  /** Live mode: redraw period. */
  redrawMs?: number;
  now?: () => number;
}

export class ProgressReporter {
  private readonly resources = new Map<string, ResourceProgress>();
  private readonly lastPrinted = new Map<string, number>();
  private stage = "preparing";
  private stageStartedAt: number;
  private drawnLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.stageStartedAt = this.now();
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
      if (!this.options.live) this.options.stream.write(`extract ${name}: started\n`);
    }
    return p;
  }

  finish(name: string): void {
    const p = this.resources.get(name);
    if (!p || p.finishedAt !== undefined) return;
    p.finishedAt = this.now();
    if (!this.options.live)
      this.options.stream.write(`extract ${describeProgress(snapshot(p, this.now()))}\n`);
    else this.redraw();
  }

  setStage(stage: string): void {
    if (stage === this.stage) return;
    if (this.stage === "extract") for (const p of this.resources.values()) p.finishedAt ??= this.now();
    this.stage = stage;
    this.stageStartedAt = this.now();
    if (this.options.live) this.redraw();
    else this.options.stream.write(`stage: ${stage}\n`);
  }

  /** Writes a log line without tearing the live block. */
  writeLine(text: string): void {
    if (!this.options.live) {
      this.options.stream.write(text);
      return;
    }
    this.clear();
    this.options.stream.write(text);
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.options.live) {
      for (const p of this.resources.values()) p.finishedAt ??= this.now();
      this.redraw();
      this.drawnLines = 0;
    }
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

  private tick(): void {
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
      this.options.stream.write(`extract ${describeProgress(s)}\n`);
    }
  }

  private lines(): string[] {
    const now = this.now();
    const snaps = [...this.resources.values()].map((p) => snapshot(p, now));
    const width = Math.max(0, ...snaps.map((s) => s.name.length));
    const stageLine = `${this.stage} ${formatDuration(now - this.stageStartedAt)}`;
    return [stageLine, ...snaps.map((s) => `  ${describeProgress(s, width)}`)];
  }

  private clear(): void {
    if (this.drawnLines === 0) return;
    this.options.stream.write(`\x1b[${this.drawnLines}A\x1b[0J`);
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
