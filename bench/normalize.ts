/**
 * Normalizer throughput: 1M generated records (ten fields, one nested object, one short list) through
 * `Normalizer.normalize`, rows handed to a counting sink. Records are generated in batches outside the
 * timed section. Run: `node --import tsx bench/normalize.ts [records]`.
 */
import { performance } from "node:perf_hooks";
import type { DataRecord } from "../src/core/json.js";
import { Normalizer } from "../src/normalize/index.js";

const total = Number(process.argv[2] ?? 1_000_000);
const batchSize = 10_000;

function makeBatch(start: number): DataRecord[] {
  const out: DataRecord[] = new Array(batchSize);
  const base = Date.UTC(2024, 0, 1);
  for (let i = 0; i < batchSize; i++) {
    const n = start + i;
    out[i] = {
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
  return out;
}

const normalizer = new Normalizer(null, "bench", { maxIdentifierLength: 63 });
normalizer.registerResource("records", {});
let rows = 0;
const sink = (_t: string, _r: Record<string, unknown>): void => {
  rows++;
};
let elapsed = 0;
const cpu0 = process.cpuUsage();
let genCpu = 0;
for (let done = 0; done < total; done += batchSize) {
  const g0 = process.cpuUsage();
  const batch = makeBatch(done);
  const g = process.cpuUsage(g0);
  genCpu += (g.user + g.system) / 1e6;
  const t0 = performance.now();
  for (const r of batch) normalizer.normalize("records", r, "1700000000.0", sink);
  elapsed += performance.now() - t0;
}
const cpuAll = process.cpuUsage(cpu0);
const cpu = (cpuAll.user + cpuAll.system) / 1e6 - genCpu;
const schema = normalizer.schema();
const perSec = Math.round(total / (elapsed / 1000));
console.log(
  `normalize: ${total.toLocaleString("en")} records → ${rows.toLocaleString("en")} rows in ${(elapsed / 1000).toFixed(2)} s = ${perSec.toLocaleString("en")} records/s (tables: ${Object.keys(schema.tables).join(", ")})`,
);
console.log(
  `CPU time (all threads, generation excluded): ${cpu.toFixed(2)} s = ${Math.round(total / cpu).toLocaleString("en")} records per CPU-second`,
);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
