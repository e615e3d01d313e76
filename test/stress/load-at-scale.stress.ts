import { readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/core/logger.js";
import { pipeline } from "../../src/pipeline/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { type LoadApi, loadApiConfig, startLoadApi } from "../support/load-api.js";

/**
 * 100 resources × 100 pages from a rate-limited loopback API into DuckDB, in this process so its sockets,
 * file descriptors and memory can be counted: every row arrives, the limiter keeps the API's refusals
 * rare, nothing stays open afterwards, and memory does not grow with the number of pages.
 */
const RESOURCES = 100;
const PAGES = 100;
const SMALL_PAGES = 20;
const PER_PAGE = 10;
/**
 * 45 requests per 250 ms window (180/s), below what sluice manages here unthrottled (190–450/s on a busy
 * 2-core box): the quota runs out in most windows, so the limiter has to pause the run hundreds of times.
 */
const QUOTA = 45;
const WINDOW_MS = 250;
/** Requests at once per host (the client's default): at most these can be in flight when a quota runs out. */
const MAX_IN_FLIGHT = 8;
const RESOURCE_CONCURRENCY = 16;

/** How often the live heap is measured (after a full GC) during a run. */
const LIVE_HEAP_EVERY_MS = 500;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(0)} MB`;

function settle(): void {
  for (let i = 0; i < 3; i++) gc();
}

/** Open file descriptors of this process, as the paths (or socket:[…]) they point at. */
function openFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      out.push(readlinkSync(join("/proc/self/fd", fd)));
    } catch {
      // The fd readdir itself used is gone by now.
    }
  }
  return out;
}

function activeSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap" || r === "TCPWrap").length;
}

interface RunFigures {
  ms: number;
  rows: number;
  peakRss: number;
  peakHeapGrowth: number;
  /** Largest heap after a forced full GC during the run, above the heap before it: what the run retains. */
  peakLiveGrowth: number;
  heapGrowthAfter: number;
  requests: number;
  bytes: number;
  refused: number;
  exhaustedWindows: number;
  peakConnections: number;
  connectionsLeft: number;
  fdsBefore: number;
  fdsAfter: number;
  leakedFds: string[];
  socketsBefore: number;
  socketsAfter: number;
}

async function loadRun(pages: number, label: string): Promise<RunFigures> {
  const api: LoadApi = await startLoadApi({
    resources: RESOURCES,
    pages,
    perPage: PER_PAGE,
    quota: QUOTA,
    overdraft: MAX_IN_FLIGHT - 1,
    windowMs: WINDOW_MS,
  });
  const scratch = tempDir(`load-${label}`);
  try {
    const db = join(scratch.dir, "load.duckdb");
    settle();
    const fdsBefore = openFds();
    const socketsBefore = activeSockets();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakRss = 0;
    let peakHeap = 0;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    };
    let peakLive = 0;
    const sampler = setInterval(sample, 20);
    const liveSampler = setInterval(() => {
      gc();
      peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
    }, LIVE_HEAP_EVERY_MS);
    const started = performance.now();
    const source = restApiSource(loadApiConfig(api.url, RESOURCES), { logger: silentLogger });
    let info: Awaited<ReturnType<ReturnType<typeof pipeline>["run"]>>;
    try {
      info = await pipeline({
        pipeline_name: "load",
        pipelines_dir: join(scratch.dir, "pipelines"),
        destination_options: { duckdb: { path: db } },
        logger: silentLogger,
        // More resources at once than the host has request slots, so requests queue for a slot while a
        // response announces the quota spent: the limiter must hold them back too.
        concurrency: { resources: RESOURCE_CONCURRENCY },
      }).run(source);
    } finally {
      await source.close();
      clearInterval(sampler);
      clearInterval(liveSampler);
    }
    sample();
    const ms = performance.now() - started;
    const connectionsLeft = await api.connectionsAfter(2000);
    settle();
    const heapAfter = process.memoryUsage().heapUsed;
    const fdsAfter = openFds();
    const socketsAfter = activeSockets();
    const before = new Set(fdsBefore);
    const leakedFds = fdsAfter.filter((f) => !before.has(f) && !f.startsWith("/proc/"));

    const expected = RESOURCES * pages * PER_PAGE;
    const loaded = Object.entries(info.rowCounts).reduce((n, [, c]) => n + c, 0);
    expect(loaded).toBe(expected);
    const counts = await queryDuckdb(
      db,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'load_dataset' AND table_name LIKE 'r%' ORDER BY 1`,
    );
    expect(counts).toHaveLength(RESOURCES);
    const union = counts
      .map(
        (t) =>
          `SELECT '${t["table_name"]}' AS t, count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS d FROM load_dataset."${t["table_name"]}"`,
      )
      .join(" UNION ALL ");
    const perTable = await queryDuckdb(db, union);
    const wrong = perTable.filter((r) => r["n"] !== pages * PER_PAGE || r["d"] !== pages * PER_PAGE);
    expect(wrong, "tables whose rows are not exactly the API's").toEqual([]);

    return {
      ms,
      rows: loaded,
      peakRss,
      peakHeapGrowth: peakHeap - heapBefore,
      peakLiveGrowth: peakLive - heapBefore,
      heapGrowthAfter: heapAfter - heapBefore,
      requests: api.stats.requests,
      bytes: api.stats.bytes,
      refused: api.stats.refused,
      exhaustedWindows: api.stats.exhaustedWindows,
      peakConnections: api.stats.peakConnections,
      connectionsLeft,
      fdsBefore: fdsBefore.length,
      fdsAfter: fdsAfter.length,
      leakedFds,
      socketsBefore,
      socketsAfter,
    };
  } finally {
    await api.close();
    scratch.remove();
  }
}

function report(label: string, f: RunFigures): void {
  process.stdout.write(
    `[load-at-scale ${label}] ${RESOURCES} resources, ${f.rows} rows in ${(f.ms / 1000).toFixed(1)} s; ` +
      `${f.requests} requests (${mb(f.bytes)}), ${f.refused} refused (429), quota ran out ${f.exhaustedWindows}×; ` +
      `connections peak ${f.peakConnections}, open after ${f.connectionsLeft}; ` +
      `fds ${f.fdsBefore} → ${f.fdsAfter}, sockets ${f.socketsBefore} → ${f.socketsAfter}; ` +
      `peak RSS ${mb(f.peakRss)}, peak heap growth ${mb(f.peakHeapGrowth)}, live heap growth (after GC) peak ${mb(f.peakLiveGrowth)}, after ${mb(f.heapGrowthAfter)}\n`,
  );
}

describe("load: 100 resources × 100 pages with the rate limiter on", () => {
  let small: RunFigures;
  beforeAll(async () => {
    // Warm up: DuckDB's native module, tsx's transforms and V8's code caches are then already paid for,
    // so the measured runs see what the pipeline itself holds.
    small = await loadRun(SMALL_PAGES, "warm-up");
    report(`${SMALL_PAGES} pages`, small);
  });
  afterAll(() => undefined);

  it("loads every row, leaks no socket or file, and memory does not grow with pages", async () => {
    // A process warning (MaxListenersExceededWarning from a hundred requests listening on one abort
    // signal) is noise a user sees on stderr: there must be none.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    const big = await loadRun(PAGES, "full").finally(() => process.off("warning", onWarning));
    expect(warnings).toEqual([]);
    report(`${PAGES} pages`, big);
    // The API serves the requests already in flight when a quota ran out and refuses any sent after the
    // response that said 0 remaining: a limiter that pauses every request until the reset gets no 429.
    expect(big.exhaustedWindows).toBeGreaterThanOrEqual(20);
    expect(big.refused).toBe(0);
    expect(big.connectionsLeft).toBe(0);
    expect(big.socketsAfter).toBeLessThanOrEqual(big.socketsBefore);
    expect(big.leakedFds).toEqual([]);
    expect(big.fdsAfter).toBeLessThanOrEqual(big.fdsBefore);
    // Five times the pages of the warm-up, and the API sent more JSON than the bound: a run that kept
    // records (or a write buffer per table filling up until the package ends) would exceed it, while
    // sluice holds pages in flight, a shared write buffer (8 MiB) and the schema.
    expect(big.bytes).toBeGreaterThan(32 * MB);
    expect(big.peakLiveGrowth).toBeLessThan(small.peakLiveGrowth + 16 * MB);
    expect(big.peakLiveGrowth).toBeLessThan(24 * MB);
    expect(big.heapGrowthAfter).toBeLessThan(8 * MB);
    // RSS also holds DuckDB's buffers and V8's garbage between collections: bounded, not exact.
    expect(big.peakRss).toBeLessThan(small.peakRss + 128 * MB);
  });
});
