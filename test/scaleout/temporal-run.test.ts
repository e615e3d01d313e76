import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import { type PartitionApi, startPartitionApi, writePartitionConfig } from "../support/partition-api.js";
import { committedState, datasetSnapshot } from "../support/scaleout-compare.js";
import { type WorkerPool, workerPool } from "../support/sluice-workers.js";
import {
  requireTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from "../support/temporal-server.js";

const cli = requireTemporalCli();

describe.skipIf(cli === undefined)("sluice run --on temporal:// with two worker processes", () => {
  let server: TemporalDevServer;
  let api: PartitionApi;
  let pool: WorkerPool;
  const scratch = tempDir("temporal-run");
  const dir = scratch.dir;

  beforeAll(async () => {
    server = await startTemporalDevServer({ cli: cli as string });
    api = await startPartitionApi({ orders: 120 });
    pool = workerPool({
      address: server.address,
      storage: join(dir, "partitions"),
      pipelinesDir: join(dir, "worker-pipelines"),
    });
    await Promise.all([pool.add(), pool.add()]);
  }, 120_000);

  afterAll(async () => {
    await pool?.stopAll();
    await api?.api.close();
    await server?.stop();
    scratch.remove();
  });

  test("loads the same tables, and commits the same state, as a local run", async () => {
    const config = writePartitionConfig(dir, api.api.url);
    const local = await runCliIn(dir, ["run", config, "--pipeline", "local"]);
    expect(local.code, local.stderr).toBe(0);
    const remote = await runCliIn(dir, [
      "run",
      config,
      "--pipeline",
      "remote",
      "--on",
      `temporal://${server.address}`,
    ]);
    expect(remote.code, `${remote.stderr}\n${pool.workers.map((w) => w.output()).join("\n")}`).toBe(0);
    expect(remote.stdout).toMatch(/on Temporal \(\d+ partitions/);
    const a = await datasetSnapshot(join(dir, "local.duckdb"), "local_dataset");
    const b = await datasetSnapshot(join(dir, "remote.duckdb"), "remote_dataset");
    expect(Object.keys(b).sort()).toEqual(["customers", "events", "order_lines", "orders", "orders__tags"]);
    expect(b).toEqual(a);
    expect(await committedState(join(dir, "remote.duckdb"), "remote_dataset")).toEqual(
      await committedState(join(dir, "local.duckdb"), "local_dataset"),
    );
  }, 180_000);
});
