import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { RestApiConfig } from "../../src/config/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type RecordedRequest, sendJson, serverForFile } from "../support/http-server.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

const TOTAL = 240;
const PAGE = 10;

/**
 * Offset (`/offset`) and page_number (`/pages`) endpoints reporting their total. Each answer waits a few
 * milliseconds so that requests sent together overlap on the server, which counts them.
 */
let inFlight = 0;
let maxInFlight = 0;
async function answer(req: RecordedRequest, res: ServerResponse): Promise<void> {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  await new Promise((r) => setTimeout(r, 15));
  inFlight--;
  const path = req.path.split("?")[0];
  const start =
    path === "/offset"
      ? Number(req.query.get("offset") ?? 0)
      : (Number(req.query.get("page") ?? 1) - 1) * PAGE;
  const data = Array.from({ length: Math.max(0, Math.min(PAGE, TOTAL - start)) }, (_, i) => ({
    id: start + i,
    name: `item ${start + i}`,
    nested: { n: (start + i) % 7 },
  }));
  sendJson(res, { data, total: TOTAL, pages: TOTAL / PAGE });
}

let box: PipelineSandbox | undefined;
const server = serverForFile(answer);
afterEach(() => {
  box?.cleanup();
  box = undefined;
  server.requests.length = 0;
  maxInFlight = 0;
});

const resources = (extra: Record<string, unknown> = {}): RestApiConfig["resources"] => [
  {
    name: "by_offset",
    ...extra,
    endpoint: {
      path: "offset",
      data_selector: "data",
      paginator: { type: "offset", limit: PAGE, total_path: "total" },
    },
  },
  {
    name: "by_page",
    ...extra,
    endpoint: {
      path: "pages",
      data_selector: "data",
      paginator: { type: "page_number", base_page: 1, total_path: "pages" },
    },
  },
];

async function load(config: Omit<RestApiConfig, "client"> & { client?: Partial<RestApiConfig["client"]> }) {
  box = pipelineSandbox();
  const source = restApiSource({ ...config, client: { base_url: server.url, ...config.client } });
  // One resource at a time: the in-flight count is then one pagination's.
  await box.make("pages", { concurrency: { resources: 1 } }).run(source);
  const rows = async (table: string) =>
    (await box!.query(`SELECT id, name, nested__n FROM pages_dataset.${table} ORDER BY id`)).map((r) => [
      Number(r["id"]),
      r["name"],
      Number(r["nested__n"]),
    ]);
  return { byOffset: await rows("by_offset"), byPage: await rows("by_page"), maxInFlight };
}

describe("page_concurrency: planned pages in parallel by default", () => {
  it("fetches the pages of a paginator with a known total several at a time, loading the same rows as one at a time", async () => {
    const parallel = await load({ resources: resources() });
    expect(parallel.maxInFlight).toBeGreaterThan(1);
    expect(parallel.maxInFlight).toBeLessThanOrEqual(8);
    box?.cleanup();
    server.requests.length = 0;
    maxInFlight = 0;
    const sequential = await load({ resource_defaults: { page_concurrency: 1 }, resources: resources() });
    expect(sequential.maxInFlight).toBe(1);
    expect(parallel.byOffset).toHaveLength(TOTAL);
    expect(parallel.byPage).toHaveLength(TOTAL);
    expect(parallel.byOffset).toEqual(sequential.byOffset);
    expect(parallel.byPage).toEqual(sequential.byPage);
    // Every page requested exactly once: no page fetched twice, none past the total.
    const offsets = server.requests
      .filter((r) => r.path.startsWith("/offset"))
      .map((r) => r.query.get("offset"));
    expect(new Set(offsets).size).toBe(offsets.length);
  });

  it("stays under client.max_in_flight_per_host, and a resource's own page_concurrency", async () => {
    const capped = await load({ client: { max_in_flight_per_host: 3 }, resources: resources() });
    expect(capped.maxInFlight).toBeGreaterThan(1);
    expect(capped.maxInFlight).toBeLessThanOrEqual(3);
    expect(capped.byOffset).toHaveLength(TOTAL);
    box?.cleanup();
    maxInFlight = 0;
    const own = await load({ resources: resources({ page_concurrency: 2 }) });
    expect(own.maxInFlight).toBe(2);
    expect(own.byPage).toHaveLength(TOTAL);
  });

  it("rejects a page_concurrency below 1, naming the key", () => {
    expect(() =>
      restApiSource({ client: { base_url: server.url }, resources: resources({ page_concurrency: 0 }) }),
    ).toThrow(/page_concurrency/);
  });
});
