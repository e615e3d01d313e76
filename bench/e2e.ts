// End-to-end benchmark: `sluice run` from a loopback API into DuckDB, against the ceiling measured in
// the same run (one thread fetching the same pages with the same concurrency and JSON.parse-ing them).
//   npm run bench -- [--records 1000000] [--page-size 1000] [--latency 0] [--concurrency N] [--keep]
// The API runs in its own process. With --latency, the same pages are also loaded sequentially
// (page_concurrency 1) and fetched sequentially, and the speed-ups printed.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { request } from "undici";
import type { RunTrace } from "../src/cli/trace.js";
import { DEFAULT_PAGE_CONCURRENCY } from "../src/http/index.js";
import { serveBenchApi } from "./support/bench-api.js";
import { machineLoadLine } from "./support/machine-load.js";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    "page-size": { type: "string", default: "1000" },
    latency: { type: "string", default: "0" },
    concurrency: { type: "string" },
    keep: { type: "boolean", default: false },
    serve: { type: "boolean", default: false },
  },
});
const RECORDS = Number(values.records);
const PAGE_SIZE = Number(values["page-size"]);
const LATENCY = Number(values.latency);
const PAGES = Math.ceil(RECORDS / PAGE_SIZE);
const CONCURRENCY = values.concurrency === undefined ? DEFAULT_PAGE_CONCURRENCY : Number(values.concurrency);

interface Measured {
  label: string;
  ms: number;
  records: number;
  pages: number;
  rssBytes?: number;
  stages?: RunTrace["stages"];
  /** Whole process, startup included. */
  processMs?: number;
}

async function startApi(): Promise<{ base: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve", ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("exit", (code) => reject(new Error(`bench API exited (${code})`)));
  });
  return { base: `http://127.0.0.1:${port}`, child };
}

/** The ceiling: the first page (to learn the total, as any client must), then the rest `concurrency` at a time. */
async function fetchAndParse(base: string, concurrency: number, label: string): Promise<Measured> {
  const started = performance.now();
  let records = 0;
  const fetchPage = async (p: number) => {
    const { body } = await request(`${base}/items?offset=${p * PAGE_SIZE}&limit=${PAGE_SIZE}`);
    const json = JSON.parse(await body.text()) as { data: unknown[]; total: number };
    records += json.data.length;
    return json.total;
  };
  const total = await fetchPage(0);
  const pages = Math.ceil(total / PAGE_SIZE);
  let next = 1;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, pages) }, async () => {
      while (next < pages) await fetchPage(next++);
    }),
  );
  return { label, ms: performance.now() - started, records, pages };
}

function writeConfig(dir: string, base: string, pageConcurrency?: number, normalizeThread?: boolean): string {
  const config = {
    client: { base_url: base },
    ...(normalizeThread === undefined ? {} : { concurrency: { normalize_thread: normalizeThread } }),
    ...(pageConcurrency === undefined ? {} : { resource_defaults: { page_concurrency: pageConcurrency } }),
    resources: [
      {
        name: "customers",
        primary_key: "id",
        endpoint: {
          path: "items",
          data_selector: "data",
          paginator: { type: "offset", limit: PAGE_SIZE, total_path: "total" },
        },
      },
    ],
  };
  const path = join(dir, `bench-${pageConcurrency ?? "default"}-${normalizeThread ?? "auto"}.json`);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

const CLI = fileURLToPath(new URL("./support/cli-peak-rss.ts", import.meta.url));
// Resolved here: the run's working directory is a temporary one, where `tsx` alone would not be found.
const TSX = import.meta.resolve("tsx");

async function sluiceRun(dir: string, config: string, label: string): Promise<Measured> {
  const pipelinesDir = join(dir, "pipelines");
  const pipelineName = `bench_${label.replace(/\W+/g, "_")}`;
  const rssFile = join(dir, `${pipelineName}.rss`);
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      "--import",
      TSX,
      CLI,
      "run",
      config,
      "--pipeline",
      pipelineName,
      "--pipelines-dir",
      pipelinesDir,
      "--credentials",
      join(dir, `${pipelineName}.duckdb`),
      "--full-refresh",
    ],
    {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, SLUICE_BENCH_RSS_FILE: rssFile, NO_COLOR: "1" },
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const processMs = performance.now() - started;
  if (code !== 0) throw new Error(`sluice run exited with ${code}:\n${stderr}`);
  const trace = JSON.parse(readFileSync(join(pipelinesDir, pipelineName, "trace.json"), "utf8")) as RunTrace;
  const records = trace.resources.reduce((n, r) => n + r.records, 0);
  const pages = trace.resources.reduce((n, r) => n + r.pages, 0);
  if (records !== RECORDS) throw new Error(`sluice loaded ${records} records, expected ${RECORDS}`);
  return {
    label,
    ms: trace.duration_ms,
    records,
    pages,
    rssBytes: Number(readFileSync(rssFile, "utf8")),
    stages: trace.stages,
    processMs,
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const perS = (n: number, ms: number) => fmt((n / ms) * 1000);

function line(m: Measured): string {
  const rss = m.rssBytes === undefined ? "" : `   peak RSS ${Math.round(m.rssBytes / 1024 / 1024)} MB`;
  return `  ${m.label.padEnd(30)} ${(m.ms / 1000).toFixed(2).padStart(7)} s  ${perS(m.records, m.ms).padStart(10)} records/s  ${perS(m.pages, m.ms).padStart(7)} pages/s${rss}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-e2e-"));
  const api = await startApi();
  try {
    console.log(
      `sluice bench — ${fmt(RECORDS)} records, ${fmt(PAGES)} pages of ${fmt(PAGE_SIZE)}, latency ${LATENCY} ms, ${CONCURRENCY} pages in flight → DuckDB`,
    );
    // Warm-up: connections and the server's JIT.
    await fetchAndParse(api.base, CONCURRENCY, "warm-up");
    const ceilingBefore = await fetchAndParse(api.base, CONCURRENCY, "ceiling");
    const run = await sluiceRun(dir, writeConfig(dir, api.base), "sluice run (default config)");
    // Both ways of normalizing, whatever the default on this machine is (it depends on its cores).
    const oneThread = await sluiceRun(
      dir,
      writeConfig(dir, api.base, undefined, false),
      "normalize_thread: false",
    );
    const twoThreads = await sluiceRun(
      dir,
      writeConfig(dir, api.base, undefined, true),
      "normalize_thread: true",
    );
    const ceilingAfter = await fetchAndParse(api.base, CONCURRENCY, "ceiling");
    // The faster of the two ceilings: the ratio never flatters sluice when the machine was busy once.
    const ceiling = ceilingBefore.ms <= ceilingAfter.ms ? ceilingBefore : ceilingAfter;
    ceiling.label = `ceiling: fetch + JSON.parse (${CONCURRENCY} in flight)`;
    console.log(line(ceiling));
    console.log(line(run));
    console.log(`    process wall, startup included: ${(run.processMs! / 1000).toFixed(2)} s`);
    for (const s of run.stages ?? [])
      console.log(`    ${s.name.padEnd(28)} ${(s.duration_ms / 1000).toFixed(2)} s`);
    console.log(`  sluice / ceiling               ${(ceiling.ms / run.ms).toFixed(2)}× records/s`);
    console.log(line(oneThread));
    console.log(line(twoThreads));
    console.log(
      `  normalize thread: ${(oneThread.ms / twoThreads.ms).toFixed(2)}× the records/s of one thread, on ${availableParallelism()} cores (default here: ${availableParallelism() > 2 ? "on" : "off"})`,
    );
    if (LATENCY > 0) {
      const seqFetch = await fetchAndParse(api.base, 1, "sequential fetch + JSON.parse");
      const seqRun = await sluiceRun(dir, writeConfig(dir, api.base, 1), "sluice run (page_concurrency 1)");
      console.log(line(seqFetch));
      console.log(line(seqRun));
      console.log(
        `  speed-up of the default config: ${(seqRun.ms / run.ms).toFixed(1)}× over sluice sequential, ${(seqFetch.ms / run.ms).toFixed(1)}× over sequential fetching (pages/s)`,
      );
    }
    console.log(machineLoadLine());
  } finally {
    api.child.kill();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`  kept ${dir}`);
  }
}

if (values.serve) serveBenchApi({ records: RECORDS, latencyMs: LATENCY });
else await main();
