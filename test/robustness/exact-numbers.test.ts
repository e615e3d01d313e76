import { rmSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { postgresDestination } from "../../src/destinations/postgres/index.js";
import type { PipelineOptions } from "../../src/pipeline/index.js";
import type { RestApiConfigInput } from "../../src/sources/rest_api/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type RecordedRequest, startHttpServer, type TestServer } from "../support/http-server.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

// Defects 3 (the number half), 4 and 5 of issue 10, end to end: a loopback API sends JSON text (so the
// digits are exactly what a real API would send), sluice loads it into real DuckDB and PostgreSQL.

const A = "1234567890123456789";
const B = "1234567890123456791";
const C = "1234567890123456799";
const HUGE = "12345678901234567890";

/** Path → JSON text; a function gets the request (for cursors and child paths). */
let routes: Record<string, string | ((req: RecordedRequest) => string)> = {};
let server: TestServer;
let sb: PipelineSandbox;

beforeAll(async () => {
  server = await startHttpServer((req, res) => {
    const path = req.path.split("?")[0] ?? "";
    const route =
      routes[path] ??
      Object.entries(routes).find(([k]) => k.endsWith("*") && path.startsWith(k.slice(0, -1)))?.[1];
    if (route === undefined) {
      res.statusCode = 404;
      res.end("{}");
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(typeof route === "string" ? route : route(req));
  });
});
afterAll(() => server.close());
beforeEach(() => {
  routes = {};
  server.requests.length = 0;
  sb = pipelineSandbox("sluice-exact-");
});
afterEach(() => sb.cleanup());

function source(resources: RestApiConfigInput["resources"]) {
  return restApiSource({ client: { base_url: server.url }, resources });
}

const single = (path: string) => ({ path, data_selector: "data", paginator: "single_page" as const });

/** DuckDB rows as the database returns them (BIGINT as JS bigint), not the sandbox's Number-converted ones. */
async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const conn = await DuckdbConnection.open(sb.dbPath);
  try {
    return await conn.query(sql);
  } finally {
    conn.close();
  }
}

async function duckTypes(dataset: string, table: string): Promise<Record<string, string>> {
  const rows = await duck(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${table}' AND column_name NOT LIKE '_sluice%'`,
  );
  return Object.fromEntries(rows.map((r) => [String(r["column_name"]), String(r["data_type"])]));
}

describe("64-bit ids into DuckDB", () => {
  it("two snowflake ids stay two rows with exact values under merge, across reruns", async () => {
    routes["/items"] = `{"data":[{"id":${A},"name":"a"},{"id":${B},"name":"b"}]}`;
    const items = () =>
      source([{ name: "items", primary_key: "id", write_disposition: "merge", endpoint: single("items") }]);
    await sb.make("ids").run(items());
    routes["/items"] = `{"data":[{"id":${B},"name":"b2"},{"id":${C},"name":"c"}]}`;
    await sb.make("ids").run(items());
    const rows = await duck(`SELECT id, name FROM ids_dataset.items ORDER BY id`);
    expect(rows).toEqual([
      { id: BigInt(A), name: "a" },
      { id: BigInt(B), name: "b2" },
      { id: BigInt(C), name: "c" },
    ]);
    expect(await duckTypes("ids_dataset", "items")).toMatchObject({ id: "BIGINT" });
  });

  it("a child of a snowflake-id parent requests the exact id and carries it", async () => {
    routes["/items"] = `{"data":[{"id":${A}},{"id":${B}}]}`;
    routes["/items/*"] = (req) => {
      const id = req.path.split("/")[2];
      return `{"data":[{"note":"for ${id}","parent_ref":${id}}]}`;
    };
    await sb.make("kids").run(
      source([
        { name: "items", primary_key: "id", write_disposition: "merge", endpoint: single("items") },
        {
          name: "details",
          include_from_parent: ["id"],
          endpoint: single("items/{resources.items.id}/details"),
        },
      ]),
    );
    const paths = server.requests.map((r) => r.path).filter((p) => p.includes("details"));
    expect(paths.sort()).toEqual([`/items/${A}/details`, `/items/${B}/details`]);
    const rows = await duck(`SELECT note, parent_ref, _items_id FROM kids_dataset.details ORDER BY note`);
    expect(rows).toEqual([
      { note: `for ${A}`, parent_ref: BigInt(A), _items_id: BigInt(A) },
      { note: `for ${B}`, parent_ref: BigInt(B), _items_id: BigInt(B) },
    ]);
  });

  it("a snowflake id placed in a child's JSON body is sent with every digit", async () => {
    routes["/items"] = `{"data":[{"id":${A}}]}`;
    routes["/search"] = (req) => `{"data":[{"echo":${JSON.stringify(req.body)}}]}`;
    await sb.make("bodies").run(
      source([
        { name: "items", endpoint: single("items") },
        {
          name: "search",
          endpoint: {
            ...single("search"),
            method: "POST",
            json: { parent: "{resources.items.id}", ids: ["{resources.items.id}"] },
          },
        },
      ]),
    );
    const sent = server.requests.find((r) => r.path === "/search");
    expect(sent?.body).toContain(A);
    expect(sent?.body).not.toContain("1234567890123456800");
  });

  it("a cursor paginator whose next cursor is a snowflake id sends it exactly", async () => {
    routes["/feed"] = (req) => {
      const after = req.query.get("after");
      if (after === null) return `{"data":[{"id":${A}}],"next":${A}}`;
      if (after === A) return `{"data":[{"id":${B}}],"next":${B}}`;
      return `{"data":[],"next":null}`;
    };
    await sb.make("pages").run(
      source([
        {
          name: "feed",
          endpoint: {
            path: "feed",
            data_selector: "data",
            paginator: { type: "cursor", cursor_path: "next", cursor_param: "after" },
          },
        },
      ]),
    );
    expect(server.requests.map((r) => r.query.get("after"))).toEqual([null, A, B]);
    const rows = await duck(`SELECT id FROM pages_dataset.feed ORDER BY id`);
    expect(rows.map((r) => r["id"])).toEqual([BigInt(A), BigInt(B)]);
  });

  it("an incremental cursor that is a snowflake id round-trips across two runs", async () => {
    let events = [A, B];
    routes["/events"] = (req) => {
      const since = BigInt(req.query.get("since") ?? "0");
      const data = events.filter((id) => BigInt(id) >= since).map((id) => `{"id":${id}}`);
      return `{"data":[${data.join(",")}]}`;
    };
    const events_ = () =>
      source([
        {
          name: "events",
          primary_key: "id",
          write_disposition: "append",
          endpoint: {
            ...single("events"),
            incremental: { cursor_path: "id", start_param: "since", initial_value: 0 },
          },
        },
      ]);
    await sb.make("cursor").run(events_());
    events = [A, B, C];
    await sb.make("cursor").run(events_());
    const sinces = server.requests.map((r) => r.query.get("since"));
    expect(sinces).toEqual(["0", B]);
    const rows = await duck(`SELECT id FROM cursor_dataset.events ORDER BY id`);
    expect(rows.map((r) => r["id"])).toEqual([BigInt(A), BigInt(B), BigInt(C)]);
    const state = await duck(
      `SELECT state FROM cursor_dataset._sluice_pipeline_state ORDER BY version DESC LIMIT 1`,
    );
    expect(String(state[0]?.["state"])).toContain(`"last_value":"${C}"`);
  });

  it(`${HUGE} (beyond int64) loads exactly as DECIMAL(38,0), longer ones as text; the pipeline is not stuck`, async () => {
    const longer = `9${"0".repeat(40)}`;
    routes["/nums"] =
      `{"data":[{"id":1,"n":${HUGE},"m":5,"t":${longer},"raw":{"x":[${HUGE},${A}]}},{"id":2,"n":7,"m":${HUGE},"t":1}]}`;
    const nums = () =>
      source([{ name: "nums", columns: { raw: { data_type: "json" } }, endpoint: single("nums") }]);
    const p = sb.make("huge");
    await p.run(nums());
    routes["/nums"] = `{"data":[{"id":3,"n":-${HUGE},"m":6,"t":2}]}`;
    await p.run(nums());
    expect(p.pendingPackages()).toEqual([]);
    expect(await duckTypes("huge_dataset", "nums")).toEqual({
      id: "BIGINT",
      n: "DECIMAL(38,0)",
      m: "BIGINT",
      m__v_decimal: "DECIMAL(38,0)",
      t: "VARCHAR",
      raw: "JSON",
    });
    const raw = await duck(`SELECT CAST(raw AS VARCHAR) AS raw FROM huge_dataset.nums WHERE id = 1`);
    expect(raw).toEqual([{ raw: `{"x":[${HUGE},${A}]}` }]);
    const rows = await duck(
      `SELECT id, CAST(n AS VARCHAR) AS n, m, CAST(m__v_decimal AS VARCHAR) AS mv, t FROM huge_dataset.nums ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1n, n: HUGE, m: 5n, mv: null, t: longer },
      { id: 2n, n: "7", m: null, mv: HUGE, t: "1" },
      { id: 3n, n: `-${HUGE}`, m: 6n, mv: null, t: "2" },
    ]);
  });
});

describe("whole-number floats (4.0) end up one DOUBLE column", () => {
  const ratings = () =>
    source([{ name: "ratings", primary_key: "id", write_disposition: "merge", endpoint: single("ratings") }]);

  it("4.0 then 4.5, and 4.5 then 4.0, in one response", async () => {
    for (const [name, body] of [
      ["up", '{"data":[{"id":1,"rating":4.0},{"id":2,"rating":4.5}]}'],
      ["down", '{"data":[{"id":1,"rating":4.5},{"id":2,"rating":4.0}]}'],
    ] as const) {
      routes["/ratings"] = body;
      await sb.make(name).run(ratings());
      expect(await duckTypes(`${name}_dataset`, "ratings")).toEqual({ id: "BIGINT", rating: "DOUBLE" });
    }
    expect(await duck(`SELECT rating FROM up_dataset.ratings ORDER BY id`)).toEqual([
      { rating: 4 },
      { rating: 4.5 },
    ]);
  });

  it("4.0 in one run, 4.5 in the next: the BIGINT column is altered to DOUBLE, no variant", async () => {
    routes["/ratings"] = '{"data":[{"id":1,"rating":4.0},{"id":2,"rating":3}]}';
    await sb.make("runs").run(ratings());
    expect(await duckTypes("runs_dataset", "ratings")).toEqual({ id: "BIGINT", rating: "BIGINT" });
    routes["/ratings"] = '{"data":[{"id":3,"rating":4.5}]}';
    await sb.make("runs").run(ratings());
    expect(await duckTypes("runs_dataset", "ratings")).toEqual({ id: "BIGINT", rating: "DOUBLE" });
    expect(await duck(`SELECT id, rating FROM runs_dataset.ratings ORDER BY id`)).toEqual([
      { id: 1n, rating: 4 },
      { id: 2n, rating: 3 },
      { id: 3n, rating: 4.5 },
    ]);
  });

  it("filesystem (parquet): later files are DOUBLE; read together the column is DOUBLE, values kept", async () => {
    const bucket = join(sb.dir, "bucket");
    const fsOptions: Partial<PipelineOptions> = {
      destination: "filesystem",
      destination_options: { filesystem: { bucket_url: bucket } },
    };
    const fsRatings = () =>
      source([{ name: "ratings", write_disposition: "append", endpoint: single("ratings") }]);
    routes["/ratings"] = '{"data":[{"id":1,"rating":4.0}]}';
    await sb.make("files", fsOptions).run(fsRatings());
    routes["/ratings"] = '{"data":[{"id":2,"rating":4.5}]}';
    await sb.make("files", fsOptions).run(fsRatings());
    const glob = join(bucket, "files_dataset", "ratings", "*.parquet");
    const rows = await duck(
      `SELECT id, rating, typeof(rating) AS t FROM read_parquet('${glob}', union_by_name = true) ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1n, rating: 4, t: "DOUBLE" },
      { id: 2n, rating: 4.5, t: "DOUBLE" },
    ]);
    rmSync(bucket, { recursive: true, force: true });
  });
});

describe("PostgreSQL: widening and exact decimals", () => {
  const admin = new pg.Client({ connectionString: testPgUrl() });
  const datasets: string[] = [];
  beforeAll(() => admin.connect());
  afterAll(async () => {
    for (const d of datasets) await admin.query(`DROP SCHEMA IF EXISTS "${d}" CASCADE`);
    await admin.end();
  });

  function pgPipeline(name: string) {
    const dataset = uniqueDataset("exact");
    datasets.push(dataset);
    const make = () =>
      sb.make(name, {
        destination: postgresDestination({ credentials: testPgUrl() }),
        dataset_name: dataset,
      });
    return { dataset, make };
  }

  async function pgTypes(dataset: string, table: string): Promise<Record<string, string>> {
    const r = await admin.query<{ column_name: string; data_type: string }>(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name NOT LIKE '_sluice%'",
      [dataset, table],
    );
    return Object.fromEntries(r.rows.map((x) => [x.column_name, x.data_type]));
  }

  it("ratings 4.0 then 4.5 across runs: bigint altered to double precision, no variant", async () => {
    const { dataset, make } = pgPipeline("pgrates");
    const ratings = () =>
      source([
        { name: "ratings", primary_key: "id", write_disposition: "merge", endpoint: single("ratings") },
      ]);
    routes["/ratings"] = '{"data":[{"id":1,"rating":4.0}]}';
    await make().run(ratings());
    expect(await pgTypes(dataset, "ratings")).toEqual({ id: "bigint", rating: "bigint" });
    routes["/ratings"] = '{"data":[{"id":2,"rating":4.5},{"id":3,"rating":5.0}]}';
    await make().run(ratings());
    expect(await pgTypes(dataset, "ratings")).toEqual({ id: "bigint", rating: "double precision" });
    const rows = await admin.query(`SELECT id::text, rating FROM "${dataset}".ratings ORDER BY id`);
    expect(rows.rows).toEqual([
      { id: "1", rating: 4 },
      { id: "2", rating: 4.5 },
      { id: "3", rating: 5 },
    ]);
  });

  it("snowflake ids under merge and an integer beyond int64 load exactly", async () => {
    const { dataset, make } = pgPipeline("pgids");
    const items = () =>
      source([
        {
          name: "items",
          primary_key: "id",
          write_disposition: "merge",
          columns: { raw: { data_type: "json" } },
          endpoint: single("items"),
        },
      ]);
    routes["/items"] =
      `{"data":[{"id":${A},"n":${HUGE},"doc":{"deep":${B}},"raw":{"ids":[${A},${HUGE}]}},{"id":${B},"n":1,"doc":{}}]}`;
    await make().run(items());
    routes["/items"] = `{"data":[{"id":${B},"n":2,"doc":{}},{"id":${C},"n":-${HUGE},"doc":{"deep":${C}}}]}`;
    await make().run(items());
    expect(await pgTypes(dataset, "items")).toEqual({
      id: "bigint",
      n: "numeric",
      doc__deep: "bigint",
      raw: "jsonb",
    });
    const rows = await admin.query(
      `SELECT id::text, n::text, doc__deep::text, raw::text FROM "${dataset}".items ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      { id: A, n: HUGE, doc__deep: B, raw: `{"ids": [${A}, ${HUGE}]}` },
      { id: B, n: "2", doc__deep: null, raw: null },
      { id: C, n: `-${HUGE}`, doc__deep: C, raw: null },
    ]);
  });
});
