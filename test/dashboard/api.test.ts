import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  PipelineDetail,
  PipelinesResponse,
  RowsResponse,
  RunDetail,
  RunLive,
  SchemaDiff,
  SchemaVersionsResponse,
  SqlResponse,
  TablesResponse,
} from "../../src/dashboard/api-types.js";
import { type RunningDashboard, startDashboard } from "../../src/dashboard/server.js";
import { CLI_ENTRY, type CliResult, runCli, TSX_LOADER, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";
import {
  itemsOf,
  ORDER_PAGES,
  ORDERS_PER_PAGE,
  type ShopApi,
  SLOW_PAGES,
  SLOW_PER_PAGE,
  shopConfig,
  slowConfig,
  startShopApi,
} from "./support/shop-api.js";

const ORDERS = ORDER_PAGES * ORDERS_PER_PAGE;
const ITEMS = Array.from({ length: ORDERS }, (_, i) => itemsOf(i + 1)).reduce((a, b) => a + b, 0);

let api: ShopApi;
let scratch: ReturnType<typeof tempDir>;
const pipelinesDir = () => join(scratch.dir, "pipelines");
const cli = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
  runCli([...args, "--pipelines-dir", pipelinesDir()], { cwd: scratch.dir, env: { CI: "true" }, timeoutMs });
const expectOk = (run: CliResult) => {
  if (run.code !== 0) throw new Error(`sluice exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
};

async function getJson<T>(d: RunningDashboard, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, d.url));
  return { status: res.status, body: (await res.json()) as T };
}

async function postJson<T>(
  d: RunningDashboard,
  path: string,
  body: unknown,
  headers: Record<string, string> = { "x-sluice-dashboard": "1" },
): Promise<{ status: number; body: T }> {
  const res = await fetch(new URL(path, d.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  api = await startShopApi();
  scratch = tempDir("dashboard-api");
  writeFileSync(join(scratch.dir, "shop.json"), JSON.stringify(shopConfig(api.url)));
  writeFileSync(join(scratch.dir, "slow.json"), JSON.stringify(slowConfig(api.url)));
}, 30_000);

afterAll(async () => {
  await api?.close();
  scratch?.remove();
});

describe("dashboard API over DuckDB pipelines run by the CLI", () => {
  let d: RunningDashboard;

  beforeAll(async () => {
    api.setGeneration(1);
    expectOk(await cli(["run", "shop.json"]));
    api.setGeneration(2);
    expectOk(await cli(["run", "shop.json"]));
    d = await startDashboard({ pipelinesDir: pipelinesDir(), cwd: scratch.dir, env: process.env });
  }, 120_000);

  afterAll(async () => {
    await d?.close();
  });

  it("lists the pipeline with its last run, and every kept run", async () => {
    const { body } = await getJson<PipelinesResponse>(d, "/api/pipelines");
    const shop = body.pipelines.find((p) => p.name === "shop");
    expect(shop?.runs).toBe(2);
    expect(shop?.last_run?.status).toBe("ok");
    expect(shop?.destination.name).toBe("duckdb");
    expect(shop?.destination.location).toContain("shop.duckdb");
    const detail = (await getJson<PipelineDetail>(d, "/api/pipelines/shop")).body;
    expect(detail.runs_kept.map((r) => r.status)).toEqual(["ok", "ok"]);
    expect(detail.packages).toEqual([]);
    expect(detail.state).toMatchObject({ pipeline_name: "shop" });
  });

  it("shows a run: stages, rows per table, per-resource counters and a timeline", async () => {
    const detail = (await getJson<PipelineDetail>(d, "/api/pipelines/shop")).body;
    const newest = detail.runs_kept[0];
    const run = (await getJson<RunDetail>(d, `/api/pipelines/shop/runs/${newest?.id}`)).body;
    expect(run.stages.map((s) => s.name)).toEqual(["extract", "normalize", "load"]);
    expect(run.tables).toEqual({ orders: ORDERS, orders__items: ITEMS });
    const orders = run.resources.find((r) => r.name === "orders");
    expect(orders).toMatchObject({ status: "done", records: ORDERS, throttled: 0, failed_requests: 0 });
    const timeline = orders?.timeline.points ?? [];
    expect(timeline.reduce((n, p) => n + p.records, 0)).toBe(ORDERS);
    expect(timeline.reduce((n, p) => n + p.requests, 0)).toBe(orders?.requests);
    expect(run.schema_versions).toHaveLength(1);
    const requests = await getJson<{ requests: { status: number }[] }>(
      d,
      `/api/pipelines/shop/runs/${newest?.id}/requests?resource=orders&status=2xx`,
    );
    expect(requests.body.requests.length).toBe(orders?.requests);
    expect((await getJson(d, `/api/pipelines/shop/runs/${newest?.id}/requests?status=abc`)).status).toBe(400);
    expect((await getJson(d, "/api/pipelines/shop/runs/nope")).status).toBe(404);
  });

  it("keeps each schema version and diffs them, naming the run that added the column", async () => {
    const versions = (await getJson<SchemaVersionsResponse>(d, "/api/pipelines/shop/schemas")).body.versions;
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
    const diff = (await getJson<SchemaDiff>(d, "/api/pipelines/shop/schema-diff?from=1&to=2")).body;
    expect(diff.changes).toContainEqual(
      expect.objectContaining({
        kind: "column_added",
        table: "orders",
        column: expect.objectContaining({ name: "discount", data_type: "double" }),
      }),
    );
    expect(diff.tables_added).toEqual([]);
    const detail = (await getJson<PipelineDetail>(d, "/api/pipelines/shop")).body;
    expect(diff.introduced_by).toEqual([
      expect.objectContaining({ version: 2, run_id: detail.runs_kept[0]?.id }),
    ]);
    expect((await getJson(d, "/api/pipelines/shop/schema-diff?from=1&to=9")).status).toBe(404);
  });

  it("reads tables, pages, child rows of one parent and NULL apart from empty text, as DuckDB holds them", async () => {
    const db = join(scratch.dir, "shop.duckdb");
    const tables = (await getJson<TablesResponse>(d, "/api/pipelines/shop/tables")).body;
    expect(tables.read_path).toBe("destination");
    expect(Object.fromEntries(tables.tables.map((t) => [t.name, t.rows]))).toEqual({
      orders: ORDERS,
      orders__items: ITEMS,
    });
    const page = (await getJson<RowsResponse>(d, "/api/pipelines/shop/tables/orders/rows?offset=0&limit=5"))
      .body;
    expect(page).toMatchObject({
      total: ORDERS,
      offset: 0,
      limit: 5,
      children: ["orders__items"],
      row_key: "_sluice_id",
    });
    expect(page.rows).toHaveLength(5);
    const all = (await getJson<RowsResponse>(d, "/api/pipelines/shop/tables/orders/rows?limit=200")).body
      .rows;
    const byId = new Map(all.map((r) => [Number(r["id"]), r]));
    expect(byId.get(3)?.["name"]).toBeNull();
    expect(byId.get(4)?.["name"]).toBe("");
    expect(byId.get(5)?.["name"]).toBe("order 5");
    expect(byId.get(5)?.["meta"]).toEqual({ channel: "web", dims: { w: 5, h: null }, tags: ["a", "b"] });
    const parent = byId.get(5) as Record<string, unknown>;
    const children = (
      await getJson<RowsResponse>(
        d,
        `/api/pipelines/shop/tables/orders__items/rows?parent_id=${String(parent["_sluice_id"])}`,
      )
    ).body;
    expect(children.rows.map((r) => r["sku"])).toEqual(
      Array.from({ length: itemsOf(5) }, (_, j) => `sku-5-${j}`),
    );
    const inDb = await queryDuckdb(db, "SELECT count(*) AS n FROM shop_dataset.orders__items");
    expect(Number(inDb[0]?.["n"])).toBe(ITEMS);
  });

  it("runs read-only SQL with unqualified names and refuses anything that writes", async () => {
    const ok = await postJson<SqlResponse>(d, "/api/pipelines/shop/sql", {
      sql: "SELECT count(*) AS n FROM orders",
    });
    expect(ok.status).toBe(200);
    expect(ok.body.rows).toEqual([{ n: ORDERS }]);
    expect(ok.body.columns).toEqual([{ name: "n", data_type: "BIGINT" }]);
    for (const sql of [
      "DELETE FROM orders",
      "DROP TABLE orders",
      "SELECT 1; DELETE FROM orders",
      "CREATE TABLE x AS SELECT 1",
    ]) {
      const refused = await postJson<{ error: { message: string; hint?: string } }>(
        d,
        "/api/pipelines/shop/sql",
        { sql },
      );
      expect(refused.status, sql).toBe(400);
      expect(refused.body.error.message.length).toBeGreaterThan(0);
    }
    const bad = await postJson<{ error: { message: string } }>(d, "/api/pipelines/shop/sql", {
      sql: "SELECT nope FROM orders",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/nope/);
    const big = await postJson<SqlResponse>(d, "/api/pipelines/shop/sql", {
      sql: "SELECT * FROM range(5000)",
    });
    expect(big.body.rows).toHaveLength(1000);
    expect(big.body.truncated).toBe(true);
    const after = await queryDuckdb(
      join(scratch.dir, "shop.duckdb"),
      "SELECT count(*) AS n FROM shop_dataset.orders",
    );
    expect(Number(after[0]?.["n"])).toBe(ORDERS);
  });

  it("answers only as 127.0.0.1/localhost, and changes only with its own header", async () => {
    const port = new URL(d.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, path: "/api/pipelines", headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
    const forged = await postJson(d, "/api/pipelines/shop/sql", { sql: "SELECT 1" }, {});
    expect(forged.status).toBe(403);
    expect((await getJson(d, "/api/pipelines/nope")).status).toBe(404);
    expect((await fetch(new URL("/assets/..%2F..%2Fpackage.json", d.url))).status).toBe(404);
    expect((await fetch(new URL("/assets/vendor/uplot.js", d.url))).status).toBe(200);
    const shell = await fetch(new URL("/p/shop/runs", d.url));
    expect(shell.headers.get("content-type")).toContain("text/html");
  });
});

describe("the commands", () => {
  it("`sluice pipeline <name> show --web` serves the dashboard at that pipeline until SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        TSX_LOADER,
        CLI_ENTRY,
        "pipeline",
        "shop",
        "show",
        "--web",
        "--pipelines-dir",
        pipelinesDir(),
      ],
      { cwd: scratch.dir, env: { ...process.env, CI: "true" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      out += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL in 30 s:\n${out}`)), 30_000);
        child.stdout.setEncoding("utf8").on("data", (s: string) => {
          out += s;
          const m = /http:\/\/127\.0\.0\.1:\d+\/p\/shop/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[0]);
          }
        });
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module"');
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, out).toBe(0);
  }, 60_000);
});

describe("a run in progress: shown live, and its DuckDB file read through it without blocking it", () => {
  it("streams its progress and serves reads through the run, which still finishes", async () => {
    const d = await startDashboard({ pipelinesDir: pipelinesDir(), cwd: scratch.dir, env: process.env });
    const events: RunLive[] = [];
    const controller = new AbortController();
    const sse = (async () => {
      const res = await fetch(new URL("/api/events", d.url), { signal: controller.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === "run" && data !== undefined) events.push(JSON.parse(data) as RunLive);
          end = buffer.indexOf("\n\n");
        }
      }
    })().catch(() => {});
    const child = spawn(
      process.execPath,
      ["--import", TSX_LOADER, CLI_ENTRY, "run", "slow.json", "--pipelines-dir", pipelinesDir()],
      {
        cwd: scratch.dir,
        env: { ...process.env, CI: "true" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const deadline = Date.now() + 30_000;
      let tables: TablesResponse | undefined;
      let sql: SqlResponse | undefined;
      while (Date.now() < deadline) {
        const running = (await getJson<PipelinesResponse>(d, "/api/pipelines")).body.pipelines.find(
          (p) => p.name === "slow" && p.running !== undefined,
        );
        if (running !== undefined) {
          const t = await getJson<TablesResponse | { error: unknown }>(d, "/api/pipelines/slow/tables");
          // Before the run's schema exists there are no tables; either answer is a 200 or a retryable 503.
          expect([200, 503]).toContain(t.status);
          if (t.status === 200 && (t.body as TablesResponse).read_path === "running-process") {
            tables = t.body as TablesResponse;
            const q = await postJson<SqlResponse>(d, "/api/pipelines/slow/sql", {
              sql: "SELECT 42 AS answer",
            });
            expect(q.status).toBe(200);
            sql = q.body;
            break;
          }
        }
        await new Promise((r) => setTimeout(r, 150));
      }
      expect(tables?.read_path).toBe("running-process");
      expect(sql).toMatchObject({ read_path: "running-process", rows: [{ answer: 42 }] });
      expect(await exited, stderr).toBe(0);
      // The last record reaches the listener within a poll or two.
      const until = Date.now() + 5000;
      while (Date.now() < until && !events.some((e) => e.pipeline === "slow" && e.status === "ok"))
        await new Promise((r) => setTimeout(r, 100));
      const slow = events.filter((e) => e.pipeline === "slow");
      const running = slow.filter((e) => e.status === "running").map((e) => e.records);
      expect(running.length).toBeGreaterThanOrEqual(2);
      expect(running.at(-1)).toBeGreaterThan(running[0] as number);
      expect(slow.at(-1)).toMatchObject({ status: "ok", records: SLOW_PAGES * SLOW_PER_PAGE });
      // The run finished with the dashboard reading: its rows are all there, read from the file now.
      const n = await queryDuckdb(
        join(scratch.dir, "slow.duckdb"),
        "SELECT count(*) AS n FROM slow_dataset.events",
      );
      expect(Number(n[0]?.["n"])).toBe(SLOW_PAGES * SLOW_PER_PAGE);
    } finally {
      child.kill("SIGKILL");
      controller.abort();
      await sse;
      await d.close();
    }
  }, 60_000);
});

describe("dashboard API over a PostgreSQL pipeline", () => {
  it("counts, pages and queries the dataset read-only", async () => {
    const url = testPgUrl();
    const dataset = uniqueDataset("dash");
    api.setGeneration(1);
    expectOk(
      await cli([
        "run",
        "shop.json",
        "--pipeline",
        "pgshop",
        "--destination",
        "postgres",
        "--credentials",
        url,
        "--dataset",
        dataset,
      ]),
    );
    const d = await startDashboard({
      pipelinesDir: pipelinesDir(),
      cwd: scratch.dir,
      env: process.env,
      destinationOptions: { credentials: url },
    });
    try {
      const summary = (await getJson<PipelinesResponse>(d, "/api/pipelines")).body.pipelines.find(
        (p) => p.name === "pgshop",
      );
      expect(summary?.destination.name).toBe("postgres");
      expect(JSON.stringify(summary)).not.toContain(new URL(url).password || "\u0000");
      const tables = (await getJson<TablesResponse>(d, "/api/pipelines/pgshop/tables")).body;
      expect(Object.fromEntries(tables.tables.map((t) => [t.name, t.rows]))).toEqual({
        orders: ORDERS,
        orders__items: ITEMS,
      });
      const rows = (await getJson<RowsResponse>(d, "/api/pipelines/pgshop/tables/orders/rows?limit=200"))
        .body;
      const byId = new Map(rows.rows.map((r) => [Number(r["id"]), r]));
      expect(byId.get(3)?.["name"]).toBeNull();
      expect(byId.get(4)?.["name"]).toBe("");
      const ok = await postJson<SqlResponse>(d, "/api/pipelines/pgshop/sql", {
        sql: "SELECT count(*)::int AS n FROM orders",
      });
      expect(ok.body.rows).toEqual([{ n: ORDERS }]);
      expect(ok.body.columns).toEqual([{ name: "n", data_type: "integer" }]);
      for (const sql of ["DELETE FROM orders", "SELECT 1; DELETE FROM orders"]) {
        const refused = await postJson<{ error: { message: string } }>(d, "/api/pipelines/pgshop/sql", {
          sql,
        });
        expect(refused.status, sql).toBe(400);
      }
      const again = await postJson<SqlResponse>(d, "/api/pipelines/pgshop/sql", {
        sql: "SELECT count(*)::int AS n FROM orders",
      });
      expect(again.body.rows).toEqual([{ n: ORDERS }]);
    } finally {
      await d.close();
    }
  }, 120_000);
});
