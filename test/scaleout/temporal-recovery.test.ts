import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@temporalio/client";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { type PartitionApi, startPartitionApi, writePartitionConfig } from "../support/partition-api.js";
import { committedState, datasetSnapshot } from "../support/scaleout-compare.js";
import { type WorkerPool, workerPool } from "../support/sluice-workers.js";
import {
  requireTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from "../support/temporal-server.js";
import { pendingActivities, waitFor, watchClient } from "../support/temporal-watch.js";

const cli = requireTemporalCli();

interface Outcome {
  committed: boolean;
  retriedPartitions: number;
  resumedPartitions: number;
  rowCounts: Record<string, number>;
}

/**
 * Workers killed (SIGKILL) in the middle of a run: mid-partition, between partitions, before and after the
 * load's commit. The run completes on the other worker and the destination is exactly what a local run
 * of the same data loads, with one load recorded.
 */
describe.skipIf(cli === undefined)("a scaled-out run survives a killed worker", () => {
  let server: TemporalDevServer;
  let api: PartitionApi;
  let watcher: { client: Client; close(): Promise<void> };
  const pools: WorkerPool[] = [];
  const scratch = tempDir("temporal-recovery");
  const dir = scratch.dir;
  let config: string;
  let expected: Awaited<ReturnType<typeof datasetSnapshot>>;
  let localState: Record<string, unknown>;

  // Each test has its own workers: earlier ones (armed differently, or survivors) are stopped first.
  const pool = async (env: Record<string, string> = {}) => {
    for (const old of pools) await old.stopAll();
    const p = workerPool({
      address: server.address,
      storage: join(dir, "partitions"),
      pipelinesDir: join(dir, "worker-pipelines"),
      env,
    });
    pools.push(p);
    return p;
  };
  const runRemote = (pipeline: string, pages = 8) =>
    runCliIn(dir, [
      "--log-format",
      "json",
      "run",
      config,
      "--pipeline",
      pipeline,
      "--on",
      `temporal://${server.address}`,
      "--partition-pages",
      String(pages),
      "--partition-parents",
      "40",
      "--heartbeat-timeout",
      "2",
    ]);
  const outcomeOf = (stdout: string): Outcome =>
    JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Outcome;
  const loads = async (pipeline: string) =>
    (
      await queryDuckdb(
        join(dir, `${pipeline}.duckdb`),
        `SELECT load_id FROM "${pipeline}_dataset"."_sluice_loads"`,
      )
    ).length;

  beforeAll(async () => {
    server = await startTemporalDevServer({ cli: cli as string });
    api = await startPartitionApi({ orders: 200, delayMs: 100 });
    watcher = await watchClient(server.address);
    // One page in flight at a time: a partition of orders takes long enough to be killed in the middle.
    config = writePartitionConfig(dir, api.api.url, { pageConcurrency: 1 });
    const local = await runCliIn(dir, ["run", config, "--pipeline", "local"]);
    expect(local.code, local.stderr).toBe(0);
    expected = await datasetSnapshot(join(dir, "local.duckdb"), "local_dataset");
    localState = await committedState(join(dir, "local.duckdb"), "local_dataset");
  }, 120_000);

  afterAll(async () => {
    for (const p of pools) await p.stopAll();
    await watcher?.close();
    await api?.api.close();
    await server?.stop();
    scratch.remove();
  });

  test("mid-partition: the partition resumes on the other worker from its last checkpoint", async () => {
    const workers = await pool();
    await Promise.all([workers.add(), workers.add()]);
    api.served.clear();
    // One window of all 20 pages (about 2 s at 100 ms a page): it checkpoints after a second.
    const run = runRemote("mid", 20);
    // A partition of orders that has checkpointed a few pages in: kill the worker running it.
    const victim = await waitFor(async () => {
      const acts = await pendingActivities(watcher.client, "sluice-run-mid");
      const a = acts.find((x) => {
        const d = x.details as { checkpoint?: { next: number } } | undefined;
        return x.type === "extractPartition" && d?.checkpoint !== undefined;
      });
      return a === undefined ? undefined : workers.workers.find((w) => a.worker.startsWith(`${w.pid}@`));
    }, "a checkpointed partition");
    await workers.kill(victim);
    const result = await run;
    expect(result.code, `${result.stderr}\n${workers.workers.map((w) => w.output()).join("\n")}`).toBe(0);
    const outcome = outcomeOf(result.stdout);
    expect(outcome.resumedPartitions).toBeGreaterThanOrEqual(1);
    expect(await datasetSnapshot(join(dir, "mid.duckdb"), "mid_dataset")).toEqual(expected);
    // The cursor read before the kill and the one after it, merged: as a local run leaves it.
    expect(await committedState(join(dir, "mid.duckdb"), "mid_dataset")).toEqual(localState);
    expect(await loads("mid")).toBe(1);
    // Resumed, not restarted: 20 pages of orders, the plan's first page, each attempt's first page (the
    // total), and at most the pages after the checkpoint the dead attempt had read.
    expect(api.served.get("/orders") ?? 0).toBeLessThan(20 + 1 + 2 + 10);
  }, 180_000);

  for (const point of ["sealed", "load", "committed"] as const) {
    test(`${point === "sealed" ? "between partitions" : `${point === "load" ? "before" : "after"} the load's commit`}: completed on the other worker, nothing loaded twice`, async () => {
      const once = join(dir, `crashed-${point}`);
      const workers = await pool({ SLUICE_TEST_CRASH_AT: point, SLUICE_TEST_CRASH_ONCE: once });
      await Promise.all([workers.add(), workers.add()]);
      const pipeline = `crash_${point}`;
      const result = await runRemote(pipeline);
      expect(existsSync(once), "a worker crashed at the point").toBe(true);
      expect(result.code, `${result.stderr}\n${workers.workers.map((w) => w.output()).join("\n")}`).toBe(0);
      const outcome = outcomeOf(result.stdout);
      if (point === "sealed") expect(outcome.retriedPartitions).toBeGreaterThanOrEqual(1);
      // Committed by the worker that died after committing: the retry found its load id and loaded nothing.
      if (point === "committed") expect(outcome.committed).toBe(false);
      expect(await datasetSnapshot(join(dir, `${pipeline}.duckdb`), `${pipeline}_dataset`)).toEqual(expected);
      expect(await committedState(join(dir, `${pipeline}.duckdb`), `${pipeline}_dataset`)).toEqual(
        localState,
      );
      expect(await loads(pipeline)).toBe(1);
      await workers.stopAll();
    }, 180_000);
  }
});
