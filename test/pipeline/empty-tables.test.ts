import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { type Pipeline, pipeline } from "../../src/pipeline/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { CONFORMANCE_TARGETS } from "../destinations/helpers/destination-targets.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";
import { type SourceServer, startSourceServer } from "../support/source-server.js";

// dlt issue 11, case 9: dlt creates no table for a resource that yielded nothing (not in the schema,
// not in the destination); a replace resource that yields nothing after it had data empties its table
// and its child tables (verified with dlt 1.x on DuckDB: `things` 2 rows, then 0).

let api: SourceServer;
let things: Array<Record<string, unknown>> = [];
beforeAll(async () => {
  api = await startSourceServer((req) => {
    if (req.path === "/things") return { body: things };
    if (req.path === "/nothing") return { body: [] };
    return { status: 404, body: {} };
  });
});
afterAll(() => api.close());

const source = () =>
  restApiSource({
    client: { base_url: api.url, paginator: "single_page" },
    resources: [
      { name: "things", write_disposition: "replace", endpoint: { path: "/things" } },
      // Column hints alone do not make a table either (dlt: no table until there is data).
      {
        name: "nothing",
        write_disposition: "append",
        columns: { id: { data_type: "bigint" } },
        endpoint: { path: "/nothing" },
      },
    ],
  });

describe.each(CONFORMANCE_TARGETS)("empty resources: $name", (target) => {
  let dir: string;
  let dataset: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `sluice-empty-${target.name}-`));
    dataset = uniqueDataset("empty");
    things = [];
    api.requests.length = 0;
  });
  afterEach(async () => {
    if (target.name === "postgres") {
      const client = await make().destinationClient();
      await client.dropTables([], { all: true });
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  function make(): Pipeline {
    return pipeline({
      pipeline_name: "empty",
      pipelines_dir: join(dir, "pipelines"),
      dataset_name: dataset,
      logger: memoryLogger("warn"),
      ...target.options(dir, testPgUrl),
    });
  }

  /** The user tables the destination really holds (system tables left out). */
  async function destinationTables(): Promise<string[]> {
    let names: string[];
    if (target.name === "duckdb") {
      const conn = await DuckdbConnection.open(join(dir, "conf.duckdb"));
      try {
        const rows = await conn.query(
          `SELECT table_name AS t FROM information_schema.tables WHERE table_schema = '${dataset}'`,
        );
        names = rows.map((r) => String(r.t));
      } finally {
        conn.close();
      }
    } else if (target.name === "postgres") {
      const client = new pg.Client({ connectionString: testPgUrl() });
      await client.connect();
      try {
        const res = await client.query<{ t: string }>(
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1",
          [dataset],
        );
        names = res.rows.map((r) => r.t);
      } finally {
        await client.end();
      }
    } else {
      const ds = join(dir, "bucket", dataset);
      names = existsSync(ds) ? readdirSync(ds) : [];
    }
    return names.filter((n) => !n.startsWith("_sluice")).sort();
  }

  async function schemaTables(p: Pipeline): Promise<string[]> {
    const client = await p.destinationClient();
    try {
      const restored = await client.restore();
      return Object.keys(restored?.schema.tables ?? {})
        .filter((n) => !n.startsWith("_sluice"))
        .sort();
    } finally {
      await client.close();
    }
  }

  async function counts(p: Pipeline, tables: string[]): Promise<Record<string, number>> {
    const client = await p.destinationClient();
    try {
      return await client.rowCounts(tables);
    } finally {
      await client.close();
    }
  }

  it("a resource that yields nothing creates no table; the load is still recorded", async () => {
    const p = make();
    const info = await p.run(source());
    expect(api.requests.map((r) => r.path).sort()).toEqual(["/nothing", "/things"]);
    expect(await destinationTables()).toEqual([]);
    expect(await schemaTables(p)).toEqual([]);
    expect(info.rowCounts).toEqual({});
    const client = await p.destinationClient();
    try {
      expect((await client.listLoads(10)).map((l) => l.load_id)).toEqual(info.loadIds);
      expect(info.loadIds).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it("replace that yields nothing after data empties the table and its child tables", async () => {
    const p = make();
    things = [
      { id: 1, kids: [{ k: 1 }] },
      { id: 2, kids: [{ k: 2 }] },
    ];
    await p.run(source());
    expect(await destinationTables()).toEqual(["things", "things__kids"]);
    expect(await counts(p, ["things", "things__kids"])).toEqual({ things: 2, things__kids: 2 });
    things = [];
    await p.run(source());
    expect(await destinationTables()).toEqual(["things", "things__kids"]);
    expect(await counts(p, ["things", "things__kids"])).toEqual({ things: 0, things__kids: 0 });
    expect(await schemaTables(p)).toEqual(["things", "things__kids"]);
  });
});
