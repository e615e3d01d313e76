import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoApi, startDemoApi } from "../../src/demo/api-server.js";
import { demoEnv } from "../../src/demo/demo-env.js";
import { REPO, runCli, runCliIn, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

/** `--destination`, `--credentials`, `--bucket-url` and `--dataset` reach the right destination. */
describe("sluice run --destination", () => {
  let api: DemoApi;
  let scratch: ReturnType<typeof tempDir>;
  const ITEMS = join(REPO, "examples/items.yaml");

  beforeAll(async () => {
    api = await startDemoApi({ throttleEvery: 0 });
    scratch = tempDir("dest");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCliIn(scratch.dir, args, { ...demoEnv(api.url) });

  it("loads into PostgreSQL with --credentials, without printing the password, and inspects it", async () => {
    const url = testPgUrl();
    const password = new URL(url).password;
    const dataset = uniqueDataset("cli");
    const run = await cli([
      "run",
      ITEMS,
      "--pipeline",
      "pg_items",
      "--destination",
      "postgres",
      "--credentials",
      url,
      "--dataset",
      dataset,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/resource_name\s+9/);
    expect(run.stdout).toContain(`data:     postgres`);
    if (password.length >= 4) expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    expect(existsSync(join(scratch.dir, "pg_items.duckdb"))).toBe(false);

    const info = await cli(["pipeline", "pg_items", "info", "--credentials", url]);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toContain(dataset);
    expect(info.stdout).toMatch(/resource_name\s+resource_name\s+merge \(delete-insert\)\s+9/);
  }, 90_000);

  it("merges on the filesystem destination: a rerun of a merge config keeps one row per key", async () => {
    const args = [
      "run",
      ITEMS,
      "--pipeline",
      "fs_items",
      "--destination",
      "filesystem",
      "--bucket-url",
      join(scratch.dir, "lake"),
    ];
    for (let i = 0; i < 2; i++) {
      const r = await cli(args);
      expect(r.code, r.stderr).toBe(0);
    }
    const info = await cli(["pipeline", "fs_items", "info", "--json"]);
    const tables = (JSON.parse(info.stdout) as { tables: Record<string, number> }).tables;
    const once = await cli(["run", ITEMS, "--pipeline", "dd_once"]);
    expect(once.code, once.stderr).toBe(0);
    const expected = (
      JSON.parse((await cli(["pipeline", "dd_once", "info", "--json"])).stdout) as {
        tables: Record<string, number>;
      }
    ).tables;
    expect(tables).toEqual(expected);
  }, 60_000);

  it("writes DuckDB where --destination duckdb:///path says, and rejects unknown destinations with exit 2", async () => {
    const file = join(scratch.dir, "custom", "x.duckdb");
    const [ok, unknown] = await Promise.all([
      cli(["run", ITEMS, "--pipeline", "dd_items", "--destination", `duckdb://${file}`]),
      cli(["run", ITEMS, "--destination", "snowflake"]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(file);
    expect(existsSync(file)).toBe(true);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown destination "snowflake"');
  }, 60_000);
});

/** Every destination the registry knows is reachable from the flags, its own options included. */
describe("sluice run: destinations through the registry", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  let config: string;

  beforeAll(async () => {
    api = await startHttpServer((_req, res) => sendJson(res, { items: [{ id: 1 }, { id: 2 }] }));
    scratch = tempDir("destreg");
    config = join(scratch.dir, "things.json");
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          { name: "things", endpoint: { path: "things", data_selector: "items", paginator: "single_page" } },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true", ...env },
    });

  it("writes jsonl files into DESTINATION__FILESYSTEM__BUCKET_URL with --file-format jsonl, and inspects them", async () => {
    const lake = join(scratch.dir, "env-lake");
    const run = await cli(
      ["run", config, "--pipeline", "fs_jsonl", "--destination", "filesystem", "--file-format", "jsonl"],
      { DESTINATION__FILESYSTEM__BUCKET_URL: lake },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(lake, "fs_jsonl_dataset", "things")).every((f) => f.endsWith(".jsonl"))).toBe(
      true,
    );
    const info = await cli(["pipeline", "fs_jsonl", "info", "--json"]);
    expect(info.code, info.stderr).toBe(0);
    const parsed = JSON.parse(info.stdout) as { location: string; tables: Record<string, number> };
    expect(parsed.location).toBe(`jsonl files in ${join(lake, "fs_jsonl_dataset")}`);
    expect(parsed.tables).toEqual({ things: 2 });
  }, 60_000);

  it("refuses an unknown --file-format and a filesystem run without a bucket, with exit 2", async () => {
    const [format, bucket] = await Promise.all([
      cli(["run", config, "--destination", "filesystem", "--bucket-url", "lake", "--file-format", "csv"]),
      cli(["run", config, "--destination", "filesystem"], { DESTINATION__FILESYSTEM__BUCKET_URL: undefined }),
    ]);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('Unknown filesystem format "csv"');
    expect(bucket.code).toBe(2);
    expect(bucket.stderr).toContain("The filesystem destination needs a bucket_url");
  }, 60_000);

  it("runs into a destination a TypeScript config module registers", async () => {
    const module = join(scratch.dir, "custom.ts");
    writeFileSync(
      module,
      `import { filesystemDestination, registerDestination } from "sluice";
registerDestination("lakehouse", (options) =>
  filesystemDestination({ bucketUrl: String(options.url).replace("lakehouse://", "/"), format: "jsonl" }),
);
export default ${JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          { name: "things", endpoint: { path: "things", data_selector: "items", paginator: "single_page" } },
        ],
      })};
`,
    );
    const lake = join(scratch.dir, "house");
    const run = await cli(["run", module, "--pipeline", "custom", "--destination", `lakehouse:/${lake}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(join(lake, "custom_dataset", "things")).length).toBe(1);
  }, 60_000);
});
