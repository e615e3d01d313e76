import { join } from "node:path";
import { DefaultLogger, Runtime, Worker } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REPO, runCliIn, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { type PartitionApi, startPartitionApi, writePartitionConfig } from "../support/partition-api.js";
import { committedState, datasetSnapshot } from "../support/scaleout-compare.js";
import { type WorkerPool, workerPool } from "../support/sluice-workers.js";
import {
  requireTemporalCli,
  startTemporalDevServer,
  type TemporalDevServer,
} from "../support/temporal-server.js";
import { waitFor, watchClient } from "../support/temporal-watch.js";

const cli = requireTemporalCli();
const SHOP_TOKEN = "tok-5c1e7a0b93d2";

describe.skipIf(cli === undefined)("sluice run --on temporal:// with two worker processes", () => {
  let server: TemporalDevServer;
  let api: PartitionApi;
  let pool: WorkerPool;
  const scratch = tempDir("temporal-run");
  const dir = scratch.dir;
  let config: string;

  const remote = (pipeline: string, extra: string[] = [], env: Record<string, string> = {}) =>
    runCliIn(
      dir,
      [
        "run",
        config,
        "--pipeline",
        pipeline,
        "--on",
        `temporal://${server.address}`,
        "--partition-pages",
        "3",
        "--partition-parents",
        "25",
        ...extra,
      ],
      env,
    );
  const workerLogs = () => pool.workers.map((w) => w.output()).join("\n");

  beforeAll(async () => {
    server = await startTemporalDevServer({ cli: cli as string });
    api = await startPartitionApi({ orders: 120 });
    config = writePartitionConfig(dir, api.api.url, { bearerSecret: "shop_token" });
    // The workers hold the secret; the CLI that starts runs on Temporal does not need it.
    pool = workerPool({
      address: server.address,
      storage: join(dir, "partitions"),
      pipelinesDir: join(dir, "worker-pipelines"),
      env: { SHOP_TOKEN },
    });
    await Promise.all([pool.add(), pool.add()]);
  }, 120_000);

  afterAll(async () => {
    await pool?.stopAll();
    await api?.api.close();
    await server?.stop();
    scratch.remove();
  });

  test("loads the same tables and commits the same state as a local run, twice (incremental)", async () => {
    api.orders = 120;
    const local = await runCliIn(dir, ["run", config, "--pipeline", "local"], { SHOP_TOKEN });
    expect(local.code, local.stderr).toBe(0);
    // Four partitions per workflow: the 12 windows and 5 child batches go through child workflows.
    const first = await remote("remote", [], { SLUICE_TEMPORAL_PARTITIONS_PER_WORKFLOW: "4" });
    expect(first.code, `${first.stderr}\n${workerLogs()}`).toBe(0);
    // orders: 12 pages in windows of 3 (4); customers: 5 pages (2); events (1); lines: the 30 orders of
    // each window in batches of 25 (8).
    expect(first.stdout, first.stdout).toMatch(/on Temporal \(15 partitions/);
    const tables = async (name: string) => datasetSnapshot(join(dir, `${name}.duckdb`), `${name}_dataset`);
    const state = async (name: string) => committedState(join(dir, `${name}.duckdb`), `${name}_dataset`);
    expect(Object.keys(await tables("remote")).sort()).toEqual([
      "customers",
      "events",
      "order_lines",
      "orders",
      "orders__tags",
    ]);
    expect(await tables("remote")).toEqual(await tables("local"));
    expect(await state("remote")).toEqual(await state("local"));

    // More orders: the second run reads from the committed cursor, here and there alike.
    api.orders = 150;
    expect((await runCliIn(dir, ["run", config, "--pipeline", "local"], { SHOP_TOKEN })).code).toBe(0);
    const second = await remote("remote");
    expect(second.code, `${second.stderr}\n${workerLogs()}`).toBe(0);
    expect(await tables("remote")).toEqual(await tables("local"));
    expect(await state("remote")).toEqual(await state("local"));
    const [orders] = await queryDuckdb(
      join(dir, "remote.duckdb"),
      `SELECT count(*)::INT AS n FROM remote_dataset.orders`,
    );
    expect(orders?.n).toBe(150);
  }, 240_000);

  test("the workflow's history replays deterministically against the workflow code", async () => {
    const watcher = await watchClient(server.address);
    try {
      const history = await watcher.client.workflow.getHandle("sluice-run-remote").fetchHistory();
      // Inputs, results, heartbeats and failures are all in the history: no secret may be.
      const stored = payloadText(history);
      expect(stored).toContain("secrets.shop_token");
      expect(stored).not.toContain(SHOP_TOKEN);
      expect(api.api.requests.some((r) => r.headers.authorization === `Bearer ${SHOP_TOKEN}`)).toBe(true);
      Runtime.install({ logger: new DefaultLogger("WARN") });
      await Worker.runReplayHistory(
        { workflowsPath: join(REPO, "src/scaleout/workflows.ts") },
        history,
        "sluice-run-remote",
      );
    } finally {
      await watcher.close();
    }
  }, 120_000);

  test("a permanently failing partition fails the run with sluice's error and hint; the destination is unchanged", async () => {
    api.orders = 120;
    const ok = await remote("failing");
    expect(ok.code, ok.stderr).toBe(0);
    const before = await datasetSnapshot(join(dir, "failing.duckdb"), "failing_dataset");
    api.orders = 130;
    api.failOffsets.add(60);
    try {
      const failed = await remote("failing");
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/error: .*orders.*404/);
      expect(failed.stderr).toMatch(/hint: /);
      expect(failed.stderr).toContain(`${api.api.url}/orders`);
    } finally {
      api.failOffsets.clear();
    }
    expect(await datasetSnapshot(join(dir, "failing.duckdb"), "failing_dataset")).toEqual(before);
    const loads = await queryDuckdb(
      join(dir, "failing.duckdb"),
      `SELECT * FROM failing_dataset._sluice_loads`,
    );
    expect(loads).toHaveLength(1);
  }, 180_000);

  test("a schedule fires on its interval and skips a run while the last one still runs", async () => {
    // A run takes about 4 s (12 pages one at a time): the next firing, 2 s later, finds it running.
    api.delayMs = 300;
    const slow = writePartitionConfig(dir, api.api.url, { file: "slow.yaml", pageConcurrency: 1 });
    let lastList = "";
    const on = `temporal://${server.address}`;
    try {
      const created = await runCliIn(dir, [
        "schedule",
        "create",
        slow,
        "--pipeline",
        "scheduled",
        "--every",
        "2s",
        "--on",
        on,
        "--resources",
        "orders",
        "--partition-pages",
        "20",
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain("schedule sluice-scheduled created");
      type Listed = { id: string; recentRuns: number; skipped: number; when: string };
      const listed = await waitFor(
        async () => {
          const r = await runCliIn(dir, ["schedule", "list", "--on", on, "--json"]);
          lastList = `${r.code} ${r.stdout} ${r.stderr}`;
          const s = (JSON.parse(r.stdout) as Listed[]).find((x) => x.id === "sluice-scheduled");
          return s !== undefined && s.recentRuns >= 2 && s.skipped >= 1 ? s : undefined;
        },
        "two scheduled runs and one skipped",
        90_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last list: ${lastList}\n${workerLogs()}`);
      });
      expect(listed.when).toBe("every 2s");
      const text = await runCliIn(dir, ["schedule", "list", "--on", on]);
      expect(text.stdout).toMatch(/sluice-scheduled\s+scheduled\s+every 2s/);
      const deleted = await runCliIn(dir, ["schedule", "delete", "sluice-scheduled", "--on", on]);
      expect(deleted.code, deleted.stderr).toBe(0);
      const after = await runCliIn(dir, ["schedule", "list", "--on", on, "--json"]);
      expect(JSON.parse(after.stdout)).toEqual([]);
    } finally {
      api.delayMs = 0;
    }
    const [loads] = await queryDuckdb(
      join(dir, "scheduled.duckdb"),
      `SELECT count(*)::INT AS n FROM scheduled_dataset._sluice_loads`,
    );
    expect(loads?.n).toBeGreaterThanOrEqual(1);
  }, 180_000);
});

/** Every payload of a history (inputs, results, heartbeat details, failures), decoded to text. */
function payloadText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (v instanceof Uint8Array) out.push(Buffer.from(v).toString("utf8"));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
    else if (typeof v === "string") out.push(v);
  };
  walk(value);
  return out.join("\n");
}
