import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { type SourceServer, startSourceServer } from "../support/source-server.js";

const API_KEY = "sel-key-9d41f0c2b7";
const URL_TOKEN = "sel-url-token-5e8a";

/**
 * A `data_selector` that fits nothing in a real response must fail the run, naming the place and the fix,
 * instead of loading an empty table and exiting 0 (defect 2 of issue 10). Empty lists stay fine.
 */
describe("data_selector that matches nothing", () => {
  let api: SourceServer;
  let scratch: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    api = await startSourceServer((req) => {
      if (req.query.get("api_key") !== API_KEY) return { status: 401, body: { error: "key" } };
      if (req.path === "/v1/orders") return { body: { data: [{ id: 1 }, { id: 2 }], total: 2 } };
      if (req.path === "/v1/empty") return { body: { data: [], total: 0 } };
      // proto3-style JSON: the last page leaves the empty list out instead of sending "data": [].
      if (req.path === "/v1/paged")
        return req.query.get("page") === "2"
          ? { body: { kind: "list", next: null } }
          : { body: { kind: "list", data: [{ id: 1 }, { id: 2 }], next: `${api.url}/v1/paged?page=2` } };
      return { status: 404, body: {} };
    });
    scratch = tempDir("selector");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const writeConfig = (file: string, resources: Array<{ name: string; path: string; selector: string }>) => {
    const config = {
      client: {
        base_url: `${api.url}/v1`,
        auth: { type: "api_key", name: "api_key", location: "query", api_key: API_KEY },
      },
      resources: resources.map((r) => ({
        name: r.name,
        // A credential in the query string as some APIs take it: the error's URL must mask it.
        endpoint: {
          path: r.path,
          data_selector: r.selector,
          paginator: "single_page",
          params: { access_token: URL_TOKEN },
        },
      })),
    };
    writeFileSync(join(scratch.dir, file), JSON.stringify(config));
  };
  const run = (file: string): Promise<CliResult> =>
    runCli(["run", file], {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    });

  it("fails the run naming resource, masked URL, selector, keys and the suggestion; the destination is untouched", async () => {
    writeConfig("shop.json", [{ name: "orders", path: "orders", selector: "data" }]);
    const ok = await run("shop.json");
    expect(ok.code, ok.stderr).toBe(0);
    const dbPath = join(scratch.dir, "shop.duckdb");
    const loadsBefore = await queryDuckdb(
      dbPath,
      "SELECT count(*)::INTEGER AS n FROM shop_dataset._sluice_loads",
    );

    writeConfig("shop.json", [{ name: "orders", path: "orders", selector: "items" }]);
    const bad = await run("shop.json");
    expect(bad.code, bad.stdout).not.toBe(0);
    expect(bad.stderr).toContain(
      'resource "orders": data_selector "items" matched nothing; the response has keys data, total: did you mean "data"?',
    );
    expect(bad.stderr).toMatch(/\/v1\/orders\?access_token=(\*\*\*|%2A%2A%2A)/);
    expect(bad.stderr + bad.stdout).not.toContain(API_KEY);
    expect(bad.stderr + bad.stdout).not.toContain(URL_TOKEN);
    expect(bad.stderr).toMatch(/^hint: .*data_selector to "data"/m);

    const rows = await queryDuckdb(dbPath, "SELECT id::INTEGER AS id FROM shop_dataset.orders ORDER BY id");
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
    const loadsAfter = await queryDuckdb(
      dbPath,
      "SELECT count(*)::INTEGER AS n FROM shop_dataset._sluice_loads",
    );
    expect(loadsAfter).toEqual(loadsBefore);
  }, 60_000);

  it("a selector that matches an empty list loads 0 records and succeeds", async () => {
    writeConfig("quiet.json", [
      { name: "orders", path: "orders", selector: "data" },
      { name: "nothing", path: "empty", selector: "data" },
    ]);
    const r = await run("quiet.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("matched nothing");
    const rows = await queryDuckdb(
      join(scratch.dir, "quiet.duckdb"),
      "SELECT count(*)::INTEGER AS n FROM quiet_dataset.orders",
    );
    expect(rows).toEqual([{ n: 2 }]);
  }, 60_000);

  it("a last page without the records key ends a resource whose selector matched before", async () => {
    const config = {
      client: {
        base_url: `${api.url}/v1`,
        auth: { type: "api_key", name: "api_key", location: "query", api_key: API_KEY },
      },
      resources: [
        {
          name: "paged",
          endpoint: {
            path: "paged",
            data_selector: "data",
            paginator: { type: "json_link", next_url_path: "next" },
          },
        },
      ],
    };
    writeFileSync(join(scratch.dir, "paged.json"), JSON.stringify(config));
    const r = await run("paged.json");
    expect(r.code, r.stderr).toBe(0);
    const rows = await queryDuckdb(
      join(scratch.dir, "paged.duckdb"),
      "SELECT count(*)::INTEGER AS n FROM paged_dataset.paged",
    );
    expect(rows).toEqual([{ n: 2 }]);
  }, 60_000);
});
