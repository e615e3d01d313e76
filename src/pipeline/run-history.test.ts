import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  newRunId,
  pruneRuns,
  type RunTrace,
  readLatestRun,
  readRun,
  runIds,
  runPath,
  statusFilter,
  writeRun,
} from "./run-history.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function workingDir(): string {
  const d = mkdtempSync(join(tmpdir(), "sluice-runs-"));
  dirs.push(d);
  return d;
}

function trace(id: string, over: Partial<RunTrace> = {}): RunTrace {
  return {
    id,
    pipeline_name: "p",
    config: "p.yaml",
    destination: "duckdb",
    dataset_name: "p_dataset",
    started_at: "2026-12-01T00:00:00.000Z",
    duration_ms: 1,
    status: "ok",
    load_ids: [],
    stages: [],
    resources: [],
    tables: {},
    log: [],
    ...over,
  };
}

describe("run history", () => {
  it("ids sort by start time, and the newest record is the last run", () => {
    const dir = workingDir();
    const a = newRunId(new Date("2026-12-01T10:00:00Z"));
    const b = newRunId(new Date("2026-12-01T11:00:00Z"));
    writeRun(dir, trace(b));
    writeRun(dir, trace(a, { status: "failed" }));
    expect(runIds(dir)).toEqual([b, a]);
    expect(readLatestRun(dir)?.id).toBe(b);
    expect(readRun(dir, a)?.status).toBe("failed");
    expect(readRun(dir, "../../etc/passwd")).toBeUndefined();
  });

  it("a record still marked running whose process is gone reads as interrupted, without its read endpoint", () => {
    const dir = workingDir();
    const id = newRunId(new Date());
    writeRun(
      dir,
      trace(id, { status: "running", pid: 2 ** 22 + 12_345, read_endpoint: { port: 1, token: "t" } }),
    );
    const run = readRun(dir, id);
    expect(run?.status).toBe("interrupted");
    expect(run?.read_endpoint).toBeUndefined();
    expect(run?.error?.message).toMatch(/ended without finishing/);
    writeRun(dir, trace(id, { status: "running", pid: process.pid }));
    expect(readRun(dir, id)?.status).toBe("running");
  });

  it("keeps the newest max_runs and none older than max_age_days, never the run being written", () => {
    const dir = workingDir();
    const ids = Array.from({ length: 6 }, (_, i) => newRunId(new Date(Date.UTC(2026, 11, 1, i))));
    for (const id of ids) writeRun(dir, trace(id));
    pruneRuns(dir, { max_runs: 4, max_age_days: 30 }, ids[5] as string);
    expect(runIds(dir)).toEqual(ids.slice(2).reverse());
    const old = Date.now() / 1000 - 40 * 86_400;
    utimesSync(runPath(dir, ids[2] as string), old, old);
    utimesSync(runPath(dir, ids[5] as string), old, old);
    pruneRuns(dir, { max_runs: 100, max_age_days: 30 }, ids[5] as string);
    expect(runIds(dir)).toEqual([ids[5], ids[4], ids[3]]);
  });

  it("status filters: one status, a class, network errors, or none", () => {
    expect(statusFilter("404")?.(404)).toBe(true);
    expect(statusFilter("404")?.(500)).toBe(false);
    expect(statusFilter("5xx")?.(503)).toBe(true);
    expect(statusFilter("0")?.(0)).toBe(true);
    expect(statusFilter(undefined)?.(200)).toBe(true);
    expect(statusFilter("abc")).toBeUndefined();
  });
});
