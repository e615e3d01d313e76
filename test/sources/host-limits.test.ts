import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { RestApiConfig } from "../../src/config/index.js";
import type { Source } from "../../src/core/resource.js";
import { RestClient } from "../../src/http/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type RecordedRequest, sendJson, serverForFile } from "../support/http-server.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

/**
 * What every request to one host shares, end to end through a pipeline into DuckDB: the configured
 * rate budget, the adaptive slow-down after 429s, and children read in parallel yet loaded in order.
 */
const PAGE = 10;

interface Seen {
  at: number;
  path: string;
  status: number;
}

let seen: Seen[] = [];
let inFlight = 0;
let childrenInFlight = 0;
/** Most requests in flight at once, and most of them to children's endpoints. */
let peak = 0;
let childPeak = 0;
/** Answers 429 (no Retry-After) while more than this many requests are in flight; Infinity: never. */
let capacity = Number.POSITIVE_INFINITY;
let box: PipelineSandbox | undefined;

async function answer(req: RecordedRequest, res: ServerResponse): Promise<void> {
  const path = req.path.split("?")[0] ?? "";
  const child = path.startsWith("/parents/");
  inFlight++;
  peak = Math.max(peak, inFlight);
  if (child) childPeak = Math.max(childPeak, ++childrenInFlight);
  try {
    if (inFlight > capacity) {
      seen.push({ at: performance.now(), path, status: 429 });
      sendJson(res, { error: "too many requests" }, 429);
      return;
    }
    seen.push({ at: performance.now(), path, status: 200 });
    await new Promise((r) => setTimeout(r, 10));
    if (child) {
      // /parents/{id}/children: two pages per parent; child 0 of every parent shares id 0, so the merge
      // keeps whichever row loads last, which only the load order decides.
      const parent = Number(path.split("/")[2]);
      const page = Number(req.query.get("page") ?? 1);
      const data =
        page > 2
          ? []
          : [{ id: page === 1 ? 0 : parent * 100 + page, parent, page, updated: parent * 10 + page }];
      sendJson(res, { data });
      return;
    }
    const total = Number(req.query.get("total") ?? 300);
    const start = Number(req.query.get("offset") ?? 0);
    const data = Array.from({ length: Math.max(0, Math.min(PAGE, total - start)) }, (_, i) => ({
      id: start + i,
      name: `${path.slice(1)} ${start + i}`,
    }));
    sendJson(res, { data, total });
  } finally {
    inFlight--;
    if (child) childrenInFlight--;
  }
}

const server = serverForFile(answer);
afterEach(() => {
  box?.cleanup();
  box = undefined;
  reset();
});

function reset(): void {
  seen = [];
  peak = 0;
  childPeak = 0;
  capacity = Number.POSITIVE_INFINITY;
  server.requests.length = 0;
}

const offsetResource = (name: string, total: number) => ({
  name,
  endpoint: {
    path: name,
    params: { total },
    data_selector: "data",
    paginator: { type: "offset" as const, limit: PAGE, total_path: "total" },
  },
});

async function run(config: Omit<RestApiConfig, "client"> & { client?: Partial<RestApiConfig["client"]> }) {
  box?.cleanup();
  box = pipelineSandbox();
  const source: Source = restApiSource({ ...config, client: { base_url: server.url, ...config.client } });
  return box.make("limits").run(source);
}

describe("client.rate_limit", () => {
  it("keeps every one-second window within the budget, across pages and resources of one host", async () => {
    const info = await run({
      client: { rate_limit: { requests_per_second: 25, burst: 2 } },
      resources: [offsetResource("a", 200), offsetResource("b", 200)],
    });
    expect(info.rowCounts).toEqual({ a: 200, b: 200 });
    const times = seen.map((s) => s.at).sort((x, y) => x - y);
    expect(times).toHaveLength(40);
    // Any window of 1 s holds at most the burst plus a second's worth of requests.
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(25 + 2);
    }
    // 40 requests at 25/s after a burst of 2 cannot take less than (40 - 2) / 25 s.
    // (The first arrival may lag its start by a connection set-up, so allow a little.)
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(((40 - 2) / 25) * 1000 - 100);
  });

  it("is refused with the key named when it is not a positive rate", () => {
    expect(() =>
      restApiSource({
        client: { base_url: server.url, rate_limit: { requests_per_second: 0 } },
        resources: ["a"],
      }),
    ).toThrow(/rate_limit\.requests_per_second/);
  });
});

describe("429s slow the whole host", () => {
  const storm = () =>
    run({
      client: { error_handler: { max_retries: 30, backoff_factor: 0.02, max_delay: 0.2 } },
      resources: [offsetResource("a", 800), offsetResource("b", 800)],
    });

  it("backs off every request to the host after a 429 and recovers, loading every row once", async () => {
    // An API that takes 3 requests at once and answers 429 beyond that; sluice starts with 8 per page run.
    capacity = 3;
    const info = await storm();
    expect(info.rowCounts).toEqual({ a: 800, b: 800 });
    const adaptive = seen.filter((s) => s.status === 429).length;
    // Every page accepted exactly once: a 429 is retried, never loaded or skipped.
    expect(seen.filter((s) => s.status === 200)).toHaveLength(160);
    reset();
    // The same API and the same two paginations with the adaptive part off (HTTP layer only: files cannot
    // turn it off): every request backs off on its own, and the host keeps being sent 8 + 8 at a time.
    capacity = 3;
    const client = new RestClient({
      base_url: server.url,
      rate_limit: false,
      retry: { max_retries: 30, backoff_factor: 0.02, max_delay: 0.2 },
    });
    const drain = async (name: string) => {
      let n = 0;
      for await (const page of client.paginate(
        { path: name, params: { total: 800 } },
        {
          data_selector: "data",
          paginator: { type: "offset", limit: PAGE, total_path: "total" },
          page_concurrency: 8,
        },
      ))
        n += page.records.length;
      return n;
    };
    expect(await Promise.all([drain("a"), drain("b")])).toEqual([800, 800]);
    await client.close();
    const baseline = seen.filter((s) => s.status === 429).length;
    expect(adaptive).toBeGreaterThan(0);
    // Each 429 halved the window of the whole host, which then grows back by one per window of accepted
    // answers: about one 429 per five accepted pages at this capacity (28–30 seen), where requests backing
    // off alone drew 70–139 in the same runs.
    expect(adaptive).toBeLessThanOrEqual(160 / 4);
    expect(adaptive * 1.5).toBeLessThan(baseline);
  });
});

describe("children in parallel by default", () => {
  const family = (extra: Record<string, unknown>) => ({
    resources: [
      {
        name: "parents",
        endpoint: {
          path: "parents",
          params: { total: 30 },
          data_selector: "data",
          paginator: { type: "offset" as const, limit: PAGE, total_path: "total" },
        },
      },
      {
        name: "children",
        primary_key: "id",
        write_disposition: "merge" as const,
        ...extra,
        endpoint: {
          path: "parents/{resources.parents.id}/children",
          data_selector: "data",
          paginator: { type: "page_number" as const, base_page: 1, stop_after_empty_page: true },
        },
        include_from_parent: ["name"],
      },
    ],
  });

  const childRows = async () =>
    (await box!.query("SELECT id, parent, page, _parents_name FROM limits_dataset.children ORDER BY id")).map(
      (r) => [r["id"], r["parent"], r["page"], r["_parents_name"]],
    );
  it("reads several parents' children at once and loads the same rows, in the same order, as one at a time", async () => {
    const parallel = await run({ concurrency: { resources: 1 }, ...family({}) });
    const parallelRows = await childRows();
    const parallelPeak = childPeak;
    // 60 child records arrive (two per parent); the merge keeps one row per id.
    expect(parallel.records["children"]).toBe(60);
    reset();
    await run({ concurrency: { resources: 1 }, ...family({ parallelized: false }) });
    const sequentialRows = await childRows();
    expect(childPeak).toBe(1);
    expect(parallelPeak).toBeGreaterThan(1);
    expect(parallelPeak).toBeLessThanOrEqual(8);
    // 30 parents × 1 row on page 2, plus the shared id 0 kept once.
    expect(sequentialRows).toHaveLength(31);
    expect(parallelRows).toEqual(sequentialRows);
    // The shared id 0 holds the last parent's row in both: the load order is the sequential one.
    expect(parallelRows[0]).toEqual([0, 29, 1, "parents 29"]);
  });

  it("keeps concurrency.children as the bound, and 1 reads one parent record after another", async () => {
    await run({ concurrency: { resources: 1, children: 3 }, ...family({}) });
    // Three pages per parent (two with rows, then the empty one that ends it).
    expect(seen.filter((s) => s.path.startsWith("/parents/"))).toHaveLength(90);
    expect(childPeak).toBeGreaterThan(1);
    expect(childPeak).toBeLessThanOrEqual(3);
    reset();
    await run({ concurrency: { resources: 1, children: 1 }, ...family({}) });
    expect(childPeak).toBe(1);
    expect(await childRows()).toHaveLength(31);
  });

  it("keeps one incremental cursor per parent, the same as reading parents one after another", async () => {
    const incremental = {
      incremental: { cursor_path: "updated", initial_value: 0, start_param: "since" },
    };
    const withCursor = (extra: Record<string, unknown>) => {
      const f = family(extra);
      const child = f.resources[1]!;
      return { resources: [f.resources[0]!, { ...child, endpoint: { ...child.endpoint, ...incremental } }] };
    };
    const states: unknown[] = [];
    const sinceSent: string[][] = [];
    for (const extra of [{}, { parallelized: false }]) {
      reset();
      await run({ concurrency: { resources: 1 }, ...withCursor(extra) });
      // Second run: every parent's child request starts from that parent's own last value.
      server.requests.length = 0;
      const source = restApiSource({ client: { base_url: server.url }, ...withCursor(extra) });
      await box!.make("limits").run(source);
      sinceSent.push(
        server.requests
          .filter((r) => r.path.startsWith("/parents/") && (r.query.get("page") ?? "1") === "1")
          .map((r) => `${r.path.split("?")[0]} since=${r.query.get("since")}`)
          .sort(),
      );
      states.push((await box!.make("limits").state()).resources["children"]);
    }
    expect(states[0]).toEqual(states[1]);
    expect(sinceSent[0]).toEqual(sinceSent[1]);
    expect(sinceSent[0]).toHaveLength(30);
    expect(sinceSent[0]).toContain("/parents/7/children since=72");
  });
});
