// HTTP layer benchmark: RestClient.paginate (fetch + parse + select + paginate) against a bare
// `undici.request` + `JSON.parse` loop, same server, same run, at concurrency 1 and 8.
//   npm run bench:http -- [--pages 50] [--records 1000] [--rounds 15]
// The server runs in a child process serving pre-serialized pages, so it does not compete with the
// client for the event loop. Prints pages/s, records/s and the layer's share of the bare loop's speed.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { RestClient } from "../src/http/client.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const RECORDS = arg("records", 1000);
const PAGES = arg("pages", 50);
const ROUNDS = arg("rounds", 15);

function serve(): void {
  const total = RECORDS * PAGES * 8;
  // A handful of distinct pages, cycled: serialization is not what this measures.
  const pages = Array.from({ length: 4 }, (_, p) => {
    const data = Array.from({ length: RECORDS }, (_, i) => ({
      id: p * RECORDS + i,
      name: `record ${i}`,
      email: `user${i}@example.com`,
      active: i % 3 === 0,
      score: i * 1.5,
      created_at: "2024-05-01T12:00:00Z",
      tags: ["a", "b"],
      address: { city: "Springfield", zip: "12345" },
    }));
    const text = JSON.stringify({ data, total });
    // Split at the first record's id, so every page gets its own id there: a client that stops on a
    // page repeating an earlier one (as RestClient does) must not take cycled pages for a loop.
    const at = text.indexOf(":", text.indexOf('"id"')) + 1;
    const end = text.indexOf(",", at);
    return { head: Buffer.from(text.slice(0, at)), tail: Buffer.from(text.slice(end)) };
  });
  const server = createServer((req, res) => {
    const offset = Number(new URL(req.url ?? "/", "http://x").searchParams.get("offset") ?? 0);
    const page = pages[(offset / RECORDS) % pages.length]!;
    const body = Buffer.concat([page.head, Buffer.from(String(offset)), page.tail]);
    res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
}

async function bareLoop(base: string, pages: number): Promise<number> {
  let records = 0;
  for (let p = 0; p < pages; p++) {
    const { body } = await request(`${base}/items?offset=${p * RECORDS}&limit=${RECORDS}`);
    const json = JSON.parse(await body.text()) as { data: unknown[] };
    records += json.data.length;
  }
  return records;
}

async function layerLoop(client: RestClient, pages: number): Promise<number> {
  let records = 0;
  const paginator = { type: "offset" as const, limit: RECORDS, total_path: null, maximum_pages: pages };
  for await (const page of client.paginate({ path: "/items" }, { paginator, data_selector: "data" })) {
    records += page.records.length;
  }
  return records;
}

interface Result {
  pagesPerS: number;
  recordsPerS: number;
  /** Client-process CPU per page, ms: insensitive to what else the machine runs. */
  cpuMsPerPage: number;
}

async function measure(concurrency: number, run: (pages: number) => Promise<number>): Promise<Result> {
  const pagesEach = Math.max(1, Math.round(PAGES / concurrency));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const counts = await Promise.all(Array.from({ length: concurrency }, () => run(pagesEach)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const records = counts.reduce((a, b) => a + b, 0);
  const pages = records / RECORDS;
  return {
    pagesPerS: pages / seconds,
    recordsPerS: records / seconds,
    cpuMsPerPage: (cpu.user + cpu.system) / 1000 / pages,
  };
}

async function main(): Promise<void> {
  const child = fork(process.argv[1]!, ["--serve", ...process.argv.slice(2)], { stdio: "inherit" });
  const port = await new Promise<number>((resolve) =>
    child.once("message", (m: { port: number }) => resolve(m.port)),
  );
  const base = `http://127.0.0.1:${port}`;
  const client = new RestClient({ base_url: base });
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(
    `HTTP layer benchmark: ${RECORDS} records/page, ${PAGES} pages per measurement, best of ${ROUNDS}`,
  );
  console.log(`node ${process.version}, loopback server in a child process\n`);
  const rows: string[] = [];
  for (const concurrency of [1, 8]) {
    // Warm-up: JIT, connections.
    await measure(concurrency, (n) => bareLoop(base, Math.min(n, 10)));
    await measure(concurrency, (n) => layerLoop(client, Math.min(n, 10)));
    const bare: Result[] = [];
    const layer: Result[] = [];
    // Interleaved rounds in alternating order, best of each: background load and GC debt left by
    // the previous loop hit both alike.
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        bare.push(await measure(concurrency, (n) => bareLoop(base, n)));
        layer.push(await measure(concurrency, (n) => layerLoop(client, n)));
      } else {
        layer.push(await measure(concurrency, (n) => layerLoop(client, n)));
        bare.push(await measure(concurrency, (n) => bareLoop(base, n)));
      }
    }
    const best = (rs: Result[]) => rs.reduce((a, b) => (b.recordsPerS > a.recordsPerS ? b : a));
    const leastCpu = (rs: Result[]) => Math.min(...rs.map((r) => r.cpuMsPerPage));
    const b = best(bare);
    const l = best(layer);
    const median = (rs: Result[]) => {
      const v = rs.map((r) => r.recordsPerS).sort((x, y) => x - y);
      return v[Math.floor(v.length / 2)]!;
    };
    const ratio = (l.recordsPerS / b.recordsPerS) * 100;
    const medianRatio = (median(layer) / median(bare)) * 100;
    rows.push(
      `| ${concurrency} | bare undici.request + JSON.parse | ${fmt(b.pagesPerS)} | ${fmt(b.recordsPerS)} | ${fmt(median(bare))} | ${leastCpu(bare).toFixed(2)} | |`,
      `| ${concurrency} | RestClient.paginate | ${fmt(l.pagesPerS)} | ${fmt(l.recordsPerS)} | ${fmt(median(layer))} | ${leastCpu(layer).toFixed(2)} | ${ratio.toFixed(1)}% best, ${medianRatio.toFixed(1)}% median |`,
    );
  }
  console.log(
    "| concurrency | loop | pages/s (best) | records/s (best) | records/s (median) | client CPU ms/page | layer / bare records/s |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(row);
  await client.close();
  child.kill();
}

if (process.argv.includes("--serve")) serve();
else await main();
