/**
 * Normalizer throughput on 1M generated records (ten fields, one nested object, one short list).
 *   1. normalize only: records generated in batches outside the timed section, rows to a counting sink;
 *   2. the normalize stage's CPU work: NDJSON line → JSON.parse → normalize → JSON.stringify per row
 *      (file I/O excluded).
 * Prints wall-clock records/s and records per CPU-second (the latter is what an idle machine would show
 * as wall time; it differs when other processes compete for the cores).
 * Run: `node --import tsx bench/normalize.ts [records]`.
 */
import { performance } from "node:perf_hooks";
import type { DataRecord } from "../src/core/json.js";
import { Normalizer } from "../src/normalize/index.js";

const total = Number(process.argv[2] ?? 1_000_000);
const batchSize = 1_000;
const base = Date.UTC(2024, 0, 1);

function makeRecord(n: number): DataRecord {
  return {
    id: n,
    businessName: `Business ${n}`,
    email: `user${n}@example.com`,
    score: (n % 1000) / 7,
    active: n % 2 === 0,
    createdAt: new Date(base + n * 1000).toISOString(),
    visits: n % 97,
    category: `cat-${n % 13}`,
    day: "2024-05-01",
    note: n % 5 === 0 ? null : "ok",
    address: { city: `City ${n % 50}`, zip: `${10000 + (n % 9000)}` },
    tags: ["a", `t${n % 7}`],
  };
}

interface Figures {
  wall: number;
  cpu: number;
  rows: number;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
}

function normalizeOnly(): Figures {
  const normalizer = new Normalizer(null, "bench", { maxIdentifierLength: 63 });
  normalizer.registerResource("records", {});
  let rows = 0;
  const sink = (): void => {
    rows++;
  };
  let wall = 0;
  let cpu = 0;
  const batch: DataRecord[] = new Array(batchSize);
  for (let done = 0; done < total; done += batchSize) {
    for (let i = 0; i < batchSize; i++) batch[i] = makeRecord(done + i);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const r of batch) normalizer.normalize("records", r, "1700000000.0", sink);
    wall += performance.now() - t0;
    cpu += cpuSeconds(c0);
  }
  normalizer.schema();
  return { wall: wall / 1000, cpu, rows };
}

function normalizeStage(): Figures {
  const normalizer = new Normalizer(null, "bench", { maxIdentifierLength: 63 });
  normalizer.registerResource("records", {});
  let rows = 0;
  let bytes = 0;
  const sink = (_t: string, row: Record<string, unknown>): void => {
    rows++;
    bytes += JSON.stringify(row).length;
  };
  let wall = 0;
  let cpu = 0;
  const lines: string[] = new Array(batchSize);
  for (let done = 0; done < total; done += batchSize) {
    for (let i = 0; i < batchSize; i++) lines[i] = JSON.stringify(makeRecord(done + i));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const line of lines) normalizer.normalize("records", JSON.parse(line), "1700000000.0", sink);
    wall += performance.now() - t0;
    cpu += cpuSeconds(c0);
  }
  if (bytes === 0) throw new Error("no output");
  return { wall: wall / 1000, cpu, rows };
}

function report(label: string, f: Figures): void {
  const perWall = Math.round(total / f.wall).toLocaleString("en");
  const perCpu = Math.round(total / f.cpu).toLocaleString("en");
  console.log(
    `${label}: ${total.toLocaleString("en")} records → ${f.rows.toLocaleString("en")} rows; ` +
      `${f.wall.toFixed(2)} s wall = ${perWall} records/s; ${f.cpu.toFixed(2)} CPU-s = ${perCpu} records/CPU-s`,
  );
}

report("normalize only          ", normalizeOnly());
report("parse+normalize+stringify", normalizeStage());
console.log(
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; load average ${(await import("node:os")).loadavg()[0]!.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`,
);
