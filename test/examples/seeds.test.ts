import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CREDENTIALS, type DemoApi, startDemoApi } from "../../src/demo/api-server.js";
import { demoEnv } from "../../src/demo/demo-env.js";
import { type CliResult, REPO, runCli, runCliIn, tempDir } from "../support/demo-cli.js";
import { describeDataset, type LoadedTable, queryDuckdb } from "../support/demo-duckdb.js";
import { lastRunText } from "../support/run-records.js";

/**
 * The five seed systems, one file format each, run unchanged through `sluice run` (a child process, as
 * a user runs it) against the demo API, into DuckDB in a scratch directory.
 */
const SECRET_VALUES = Object.values(DEMO_CREDENTIALS);

describe("examples: the five seed systems end to end", () => {
  let api: DemoApi;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    // The default throttle stays on: every run meets a 429 or two and must retry through it.
    api = await startDemoApi();
    scratch = tempDir("seeds");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const run = async (example: string, extra: string[] = []): Promise<CliResult> => {
    const result = await runCli(["run", join(REPO, "examples", example), ...extra], {
      cwd: scratch.dir,
      env: { ...demoEnv(api.url), SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    });
    expect(result.code, `sluice run ${example} failed:\n${result.stderr}`).toBe(0);
    for (const secret of SECRET_VALUES) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
    return result;
  };

  const dataset = async (stem: string): Promise<Record<string, LoadedTable>> => {
    const tables = await describeDataset(join(scratch.dir, `${stem}.duckdb`), `${stem}_dataset`);
    for (const t of ["_sluice_loads", "_sluice_pipeline_state", "_sluice_version"])
      expect(tables).toHaveProperty(t);
    return tables;
  };

  const traceOf = (stem: string): string => lastRunText(join(scratch.dir, "pipelines", stem));

  it("seed 000 (JSON): OAuth2 + offset paging, nested objects and lists; a rerun merges, not appends", async () => {
    const first = await run("analytics.json");
    expect(first.stdout).toMatch(/analytics_data\s+1000/);
    const t = await dataset("analytics");
    expect(t.analytics_data?.rows).toBe(1000);
    expect(t.analytics_data?.columns).toMatchObject({
      analytics_id: "BIGINT",
      event_name: "VARCHAR",
      occurred_at: "TIMESTAMP WITH TIME ZONE",
      user__country: "VARCHAR",
      user__is_new: "BOOLEAN",
      session__duration_seconds: "BIGINT",
      revenue: "DOUBLE",
    });
    expect(t.analytics_data__session__pages?.columns).toMatchObject({ path: "VARCHAR", seconds: "BIGINT" });
    expect(t.analytics_data__tags?.columns).toMatchObject({ value: "VARCHAR" });

    await run("analytics.json");
    const again = await dataset("analytics");
    expect(again.analytics_data?.rows).toBe(1000);
    expect(again.analytics_data__tags?.rows).toBe(t.analytics_data__tags?.rows);
    const trace = JSON.parse(traceOf("analytics")) as { status: string; resources: { retries: number }[] };
    expect(trace.status).toBe("ok");
  }, 90_000);

  it("seed 001 (JSON5 with comments): three resources, camelCase → snake_case, JSON Schema column hints", async () => {
    // --resources first: only those two are loaded.
    const partial = await run("businesses.json5", ["--resources", "connections,customers"]);
    expect(partial.stdout).toContain("from 2 resources");
    const some = await dataset("businesses");
    expect(some).not.toHaveProperty("businesses");
    expect(some.customers?.rows).toBe(320);

    await run("businesses.json5");
    const t = await dataset("businesses");
    expect(t.businesses?.rows).toBe(230);
    expect(t.connections?.rows).toBe(140);
    expect(t.customers?.rows).toBe(320);
    expect(t.businesses?.columns).toMatchObject({
      id: "BIGINT",
      business_name: "VARCHAR",
      is_active: "BOOLEAN",
    });
    expect(t.connections?.columns).toMatchObject({ service_name: "VARCHAR", business_id: "BIGINT" });
    expect(t.customers?.columns).toMatchObject({
      customer_name: "VARCHAR",
      signup_date: "DATE",
      lifetime_value: "DOUBLE",
    });
    expect(Object.keys(t.businesses?.columns ?? {})).not.toContain("businessName");
    // The hint says nullable: the businesses without a name are loaded with NULL.
    const [nulls] = await queryDuckdb(
      join(scratch.dir, "businesses.duckdb"),
      "SELECT count(*)::INTEGER AS n FROM businesses_dataset.businesses WHERE business_name IS NULL",
    );
    expect(Number(nulls?.n)).toBeGreaterThan(0);
  }, 60_000);

  it("seed 002 (YAML): bearer token, page numbers from 1, records from items.*.data", async () => {
    await run("items.yaml");
    const t = await dataset("items");
    expect(t.resource_name?.rows).toBe(9);
    expect(t.resource_name?.columns).toMatchObject({
      id: "BIGINT",
      name: "VARCHAR",
      status: "VARCHAR",
      score: "DOUBLE",
      created_at: "TIMESTAMP WITH TIME ZONE",
    });
    const columns = Object.keys(t.resource_name?.columns ?? {});
    expect(columns.filter((c) => c.startsWith("data__") || c.startsWith("links__"))).toEqual([]);
    const ids = await queryDuckdb(
      join(scratch.dir, "items.duckdb"),
      "SELECT id FROM items_dataset.resource_name ORDER BY id",
    );
    expect(ids.map((r) => Number(r.id))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // per_page=2 from resource_defaults: five pages (2+2+2+2+1), the short one ends paging.
    const trace = JSON.parse(traceOf("items")) as {
      resources: { pages: number; pages_log: { page: number; records: number }[] }[];
    };
    expect(trace.resources[0]?.pages).toBe(5);
    expect(trace.resources[0]?.pages_log.map((p) => p.records)).toEqual([2, 2, 2, 2, 1]);
  }, 60_000);

  it("seed 003 (TOML): three resources, volatile fields updated_at and followers left out", async () => {
    await run("events.toml");
    const t = await dataset("events");
    expect(t.events?.rows).toBe(250);
    expect(t.organizations?.rows).toBe(40);
    expect(t.repositories?.rows).toBe(120);
    expect(t.events?.columns).toMatchObject({
      event_id: "VARCHAR",
      event_type: "VARCHAR",
      timestamp: "TIMESTAMP WITH TIME ZONE",
    });
    expect(t.organizations?.columns).toMatchObject({
      organization_id: "VARCHAR",
      name: "VARCHAR",
      created_at: "TIMESTAMP WITH TIME ZONE",
    });
    expect(t.repositories?.columns).toMatchObject({
      repository_id: "VARCHAR",
      name: "VARCHAR",
      created_at: "TIMESTAMP WITH TIME ZONE",
    });
    for (const table of ["events", "organizations", "repositories"]) {
      const cols = Object.keys(t[table]?.columns ?? {});
      expect(cols).not.toContain("updated_at");
      expect(cols).not.toContain("followers");
    }
  }, 60_000);

  it("seed 004 (TypeScript module importing sluice): API key in the query, never in output or trace", async () => {
    await run("resources.ts");
    const t = await dataset("resources");
    expect(t.resource_name?.rows).toBe(180);
    expect(t.resource_name?.columns).toMatchObject({
      id: "BIGINT",
      name: "VARCHAR",
      value: "DOUBLE",
      recorded_at: "TIMESTAMP WITH TIME ZONE",
      attributes__color: "VARCHAR",
    });
    const trace = traceOf("resources");
    for (const secret of SECRET_VALUES) expect(trace).not.toContain(secret);
    expect(api.stats.unauthorized).toBe(0);
  }, 60_000);
});

describe("examples on every destination: the filesystem too", () => {
  let api: DemoApi;
  let scratch: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    api = await startDemoApi({ throttleEvery: 0 });
    scratch = tempDir("seeds-fs");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCliIn(scratch.dir, args, { ...demoEnv(api.url) });
  const rowCounts = async (pipeline: string): Promise<Record<string, number>> => {
    const info = await cli(["pipeline", pipeline, "info", "--json"]);
    expect(info.code, info.stderr).toBe(0);
    return (JSON.parse(info.stdout) as { tables: Record<string, number> }).tables;
  };

  // One file format each (the conformance suite runs both formats through every write disposition).
  const cases = [
    ["analytics.json", "parquet"],
    ["businesses.json5", "jsonl"],
    ["items.yaml", "parquet"],
    ["events.toml", "jsonl"],
    ["resources.ts", "parquet"],
  ] as const;
  for (const [example, format] of cases)
    it(`${example} loads twice into ${format} files with the rows DuckDB gets`, async () => {
      const stem = example.split(".")[0]!;
      const config = join(REPO, "examples", example);
      for (let i = 0; i < 2; i++) {
        const duck = await cli(["run", config, "--pipeline", `${stem}_duck`]);
        expect(duck.code, duck.stderr).toBe(0);
      }
      const expected = await rowCounts(`${stem}_duck`);
      {
        const name = `${stem}_${format}`;
        for (let i = 0; i < 2; i++) {
          const r = await cli([
            "run",
            config,
            "--pipeline",
            name,
            "--destination",
            "filesystem",
            "--bucket-url",
            "./lake",
            "--file-format",
            format,
          ]);
          expect(r.code, r.stderr).toBe(0);
        }
        // The second run merges, replaces or appends as it does in DuckDB: the same rows.
        const counts = await rowCounts(name);
        for (const [table, rows] of Object.entries(expected))
          if (!table.startsWith("_sluice")) expect([name, table, counts[table]]).toEqual([name, table, rows]);
      }
    }, 120_000);
});
