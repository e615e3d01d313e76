import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineDetail } from "../../src/dashboard/api-types.js";
import { type RunningDashboard, startDashboard } from "../../src/dashboard/server.js";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import type { TestServer } from "../support/http-server.js";
import { startOrdersApi, writeOrdersConfig } from "../support/orders-api.js";

/**
 * The dashboard's package actions on a pipeline the destination refused: the failed package is listed
 * with its reason and hint, Retry loads it exactly once once the cause is fixed, a superseded package is
 * refused with the reason, and Drop removes it — the CLI's rules, through the API the page uses.
 */
describe("dashboard: failed packages, retry and drop", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  let d: RunningDashboard;
  let orders: Record<string, unknown>[] = [];

  beforeAll(async () => {
    scratch = tempDir("dashboard-packages");
    ({ api, orders } = await startOrdersApi());
    writeOrdersConfig(scratch.dir, api.url);
    d = await startDashboard({
      pipelinesDir: join(scratch.dir, "pipelines"),
      cwd: scratch.dir,
      env: process.env,
    });
  });
  afterAll(async () => {
    await d?.close();
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCliIn(scratch.dir, args);
  const duck = async (sql: string) => {
    const conn = await DuckdbConnection.open(join(scratch.dir, "shop.duckdb"));
    try {
      return await conn.query(sql);
    } finally {
      conn.close();
    }
  };
  const detail = async () =>
    (await (await fetch(new URL("/api/pipelines/shop", d.url))).json()) as PipelineDetail;
  const act = async (id: string, action: "retry" | "drop") => {
    const res = await fetch(new URL(`/api/pipelines/shop/packages/${id}/${action}`, d.url), {
      method: "POST",
      headers: { "x-sluice-dashboard": "1", "content-type": "application/json" },
      body: "{}",
    });
    return {
      status: res.status,
      body: (await res.json()) as {
        ok?: boolean;
        message?: string;
        error?: { message: string; hint?: string };
      },
    };
  };

  it("lists the refusal, retries it once fixed, refuses the superseded one, drops it", async () => {
    orders.push({ id: 1, amount: 10 });
    expect((await cli(["run", "shop.json"])).code).toBe(0);
    await duck("ALTER TABLE shop_dataset.orders ALTER COLUMN amount TYPE INTEGER");
    orders.push({ id: 2, amount: 5_000_000_000 });
    expect((await cli(["run", "shop.json"])).code).toBe(1);
    expect((await cli(["run", "shop.json"])).code).toBe(1);

    const failed = (await detail()).packages;
    expect(failed).toHaveLength(2);
    const [p1, p2] = failed.map((p) => p.load_id) as [string, string];
    expect(failed[0]).toMatchObject({
      status: "failed",
      loadable: true,
      failure: { kind: "refused", attempts: 1 },
    });
    expect(failed[0]?.failure?.message).toMatch(/column "amount": value 5000000000 does not fit/);
    expect(failed[0]?.failure?.hint).toContain("ALTER TABLE");
    expect((await detail()).failed_packages).toBe(2);

    const still = await act(p1, "retry");
    expect(still.status).toBe(400);
    expect(still.body.error?.message).toMatch(/does not fit/);

    await duck("ALTER TABLE shop_dataset.orders ALTER COLUMN amount TYPE BIGINT");
    const retried = await act(p1, "retry");
    expect(retried).toMatchObject({ status: 200, body: { ok: true } });
    expect(retried.body.message).toContain(`package ${p1} loaded: 1 row`);
    const rows = await duck("SELECT count(*) AS n FROM shop_dataset.orders WHERE id = 2");
    expect(Number(rows[0]?.["n"])).toBe(1);

    const superseded = await act(p2, "retry");
    expect(superseded.status).toBe(409);
    expect(superseded.body.error?.message).toMatch(/a newer load has committed since it was extracted/);
    const dropped = await act(p2, "drop");
    expect(dropped).toMatchObject({ status: 200, body: { ok: true } });
    expect((await detail()).packages).toEqual([]);
  }, 120_000);
});
