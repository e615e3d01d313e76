/**
 * What moving per-page work off the main thread could save, measured before building it (issue 13,
 * part 3). On the `npm run bench` API's pages (1,000 records of about 255 bytes, nested objects), per
 * record, on the main thread:
 *   - the work a worker could take: JSON.parse of the page, then normalize + JSON text of each row;
 *   - what handing a page to a worker costs the sender: structured-clone serialization of the parsed
 *     records (v8.serialize, what postMessage does) — or nothing beyond a string copy for the raw body;
 *   - what the receiver pays to get parsed records back (v8.deserialize).
 * The ratios say which split can pay: a split that makes the main thread serialize or deserialize what
 * it hands over must cost well under the work it moves.
 * Then the two splits for real, through a worker thread that normalizes and serializes rows: sent the
 * parsed records (what ThreadedNormalizer does), or sent the raw body to parse and select itself. Per
 * record: the main thread's time (parse + hand-over), the worker's busy time, and the wall time.
 * Run: `npm run bench:threads [pages]`.
 */
import { performance } from "node:perf_hooks";
import { deserialize, serialize } from "node:v8";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import type { DataRecord } from "../src/core/json.js";
import { parseJson } from "../src/core/json-parse.js";
import { recordToJson } from "../src/core/record-json.js";
import { startWorker } from "../src/core/worker-thread.js";
import { Normalizer } from "../src/normalize/index.js";
import { pageBody } from "./support/bench-api.js";
import { machineLoadLine } from "./support/machine-load.js";

type Split = "records" | "raw body";

/** The worker side: normalize what it is sent, report its busy time at the end. */
function normalizeInWorker(split: Split): void {
  const port = parentPort!;
  const n = new Normalizer(null, "bench", { maxIdentifierLength: 63 });
  n.registerResource("customers", {});
  let busy = 0;
  let bytes = 0;
  port.on("message", (m: unknown) => {
    if (m === "end") return port.postMessage({ busy, bytes });
    const t0 = performance.now();
    const page =
      split === "raw body" ? (parseJson(m as string) as { data: DataRecord[] }).data : (m as DataRecord[]);
    for (const r of page)
      n.normalize("customers", r, "1700000000.0", (_t, row) => {
        bytes += recordToJson(row).length;
      });
    busy += performance.now() - t0;
  });
  port.postMessage("up");
}

if (!isMainThread) {
  normalizeInWorker((workerData as { split: Split }).split);
} else {
  await main();
}

async function main(): Promise<void> {
  const pages = Number(process.argv[2] ?? 200);
  const PAGE = 1000;
  const bodies = Array.from({ length: pages }, (_, p) => pageBody(p * PAGE, PAGE, pages * PAGE));
  const records = pages * PAGE;

  function time(fn: () => void): number {
    fn(); // warm-up: the JIT and the normalizer's caches
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    return ms;
  }

  let sinkBytes = 0;
  const parse = time(() => {
    for (const b of bodies) (JSON.parse(b) as { data: DataRecord[] }).data;
  });
  const parsed = bodies.map((b) => (JSON.parse(b) as { data: DataRecord[] }).data);
  const normalizer = new Normalizer(null, "bench", { maxIdentifierLength: 63 });
  normalizer.registerResource("customers", {});
  const normalize = time(() => {
    for (const page of parsed)
      for (const r of page)
        normalizer.normalize("customers", r, "1700000000.0", (_table, row) => {
          sinkBytes += recordToJson(row).length;
        });
  });
  const buffers: Buffer[] = [];
  const ser = time(() => {
    buffers.length = 0;
    for (const page of parsed) buffers.push(serialize(page));
  });
  const de = time(() => {
    for (const b of buffers) deserialize(b);
  });
  const copy = time(() => {
    for (const b of bodies) Buffer.from(b, "utf8");
  });

  const us = (ms: number) => ((ms * 1000) / records).toFixed(2).padStart(6);
  console.log(`sluice threads bench — ${records.toLocaleString("en-US")} records, ${pages} pages of ${PAGE}`);
  console.log(`  JSON.parse of the page                     ${us(parse)} µs/record`);
  console.log(`  normalize + row JSON                       ${us(normalize)} µs/record`);
  console.log(`  structured clone out (v8.serialize)        ${us(ser)} µs/record`);
  console.log(`  structured clone in (v8.deserialize)       ${us(de)} µs/record`);
  console.log(`  raw body to bytes (what a worker is sent)  ${us(copy)} µs/record`);
  console.log(
    `  hand parsed records to a worker: ${(ser / (parse + normalize)).toFixed(2)}× of the parse+normalize it moves`,
  );
  console.log(
    `  get parsed records back from a worker: ${(de / parse).toFixed(2)}× of the JSON.parse it saves`,
  );
  console.log(`  (${(sinkBytes / 2 ** 20).toFixed(0)} MiB of row JSON)`);

  /** One split through a real worker: main parses every page (its paginator needs it) and hands it over. */
  async function throughWorker(split: Split): Promise<{ main: number; worker: number; wall: number }> {
    const w = startWorker(new URL(import.meta.url), { workerData: { split } });
    await new Promise((r) => w.once("message", r));
    const t0 = performance.now();
    let main = 0;
    for (const b of bodies) {
      const m0 = performance.now();
      const data = (parseJson(b) as { data: DataRecord[] }).data;
      w.postMessage(split === "raw body" ? b : data);
      main += performance.now() - m0;
    }
    w.postMessage("end");
    const { busy } = await new Promise<{ busy: number }>((r) => w.once("message", r));
    const wall = performance.now() - t0;
    await w.terminate();
    return { main, worker: busy, wall };
  }

  for (const split of ["records", "raw body", "records", "raw body"] as const) {
    const r = await throughWorker(split);
    console.log(
      `  worker sent ${split.padEnd(9)}: main ${us(r.main)}, worker busy ${us(r.worker)}, wall ${us(r.wall)} µs/record`,
    );
  }
  console.log(machineLoadLine());
}
