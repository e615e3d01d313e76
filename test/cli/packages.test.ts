import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { type CliResult, runCliIn, tempDir } from "../support/demo-cli.js";
import type { TestServer } from "../support/http-server.js";
import { startOrdersApi, writeOrdersConfig } from "../support/orders-api.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

/**
 * A stuck pipeline, as a user meets it: the destination refuses a package (a column the user changed),
 * the run fails with sluice's message, later runs are not stuck, and `pipeline <name> packages` lists,
 * retries and drops the failed package. Real loopback API, real DuckDB and PostgreSQL, the CLI as a child.
 */
describe("sluice pipeline <name> packages", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  /** The API's orders; it serves those with id > `since` (an incremental cursor). */
  let orders: Record<string, unknown>[] = [];

  beforeAll(async () => {
    scratch = tempDir("packages");
    ({ api, orders } = await startOrdersApi());
    writeOrdersConfig(scratch.dir, api.url);
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCliIn(scratch.dir, args);

  const duck = async (sql: string): Promise<Record<string, unknown>[]> => {
    const conn = await DuckdbConnection.open(join(scratch.dir, "shop.duckdb"));
    try {
      return (await conn.query(sql)).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
      );
    } finally {
      conn.close();
    }
  };

  const manifest = (loadId: string) =>
    JSON.parse(
      readFileSync(join(scratch.dir, "pipelines/shop/packages", loadId, "manifest.json"), "utf8"),
    ) as {
      status: string;
      failure?: { attempts: number; code: string; transient: boolean; column?: string };
    };

  const expectSluiceFailure = (r: CliResult) => {
    expect(r.code, r.stderr).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(/^hint: \S/);
    expect(r.stderr).not.toMatch(/bug in sluice/);
    expect(r.stderr).not.toMatch(/^error: (Conversion|Constraint|Invalid Input) Error/m);
  };

  const failedIds = (stderr: string) =>
    [...stderr.matchAll(/package (\d+\.\d+) is marked failed/g)].map((m) => m[1] ?? "");

  it("DuckDB: refused, reported, set aside, listed, retried exactly once, superseded, dropped", async () => {
    orders.splice(0, orders.length, { id: 1, amount: 10, note: "a" });
    const first = await cli(["run", "shop.json"]);
    expect(first.code, first.stderr).toBe(0);

    // The user narrows a column in the destination; the API then sends a value that no longer fits.
    await duck("ALTER TABLE shop_dataset.orders ALTER COLUMN amount TYPE INTEGER");
    orders.push({ id: 2, amount: 5_000_000_000, note: "b" });
    const refused = await cli(["run", "shop.json", "--verbose"]);
    expectSluiceFailure(refused);
    const [p1 = ""] = failedIds(refused.stderr);
    expect(p1).not.toBe("");
    expect(refused.stderr).toMatch(
      new RegExp(
        `error: duckdb refused load ${p1.replace(".", "\\.")}: table "orders", column "amount": value 5000000000 does not fit`,
      ),
    );
    expect(refused.stderr).toContain("record: id=2 (fields: id, amount, note)");
    expect(refused.stderr).toContain("duckdb said: Conversion Error");
    const hint = refused.stderr.trim().split("\n").at(-1) ?? "";
    expect(hint).toContain('ALTER TABLE "shop_dataset"."orders" ALTER COLUMN "amount" TYPE BIGINT');
    expect(hint).toContain(`sluice pipeline shop packages retry ${p1}`);
    expect(hint).toContain(`sluice pipeline shop packages drop ${p1}`);
    expect(manifest(p1)).toMatchObject({
      status: "failed",
      failure: { attempts: 1, code: "DESTINATION_REFUSED", transient: false, column: "amount" },
    });

    const info = await cli(["pipeline", "shop", "info"]);
    expect(info.stdout).toContain("packages:    1 failed (sluice pipeline shop packages)");
    const listed = await cli(["pipeline", "shop", "packages"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(`${p1}  failed (set aside: can be retried)`);
    expect(listed.stdout).toMatch(/tables: {2}orders 1/);
    expect(listed.stdout).toContain("reason:  DESTINATION_REFUSED: duckdb refused load");
    expect(listed.stdout).toContain("attempt 1, refused by the destination");
    const json = JSON.parse((await cli(["pipeline", "shop", "packages", "--json"])).stdout) as {
      packages: Array<{ load_id: string; status: string; loadable: boolean; tables: Record<string, number> }>;
    };
    expect(json.packages).toEqual([
      expect.objectContaining({ load_id: p1, status: "failed", loadable: true, tables: { orders: 1 } }),
    ]);

    // The next run says so and does not retry it: it extracts the same data again (state not committed).
    const again = await cli(["run", "shop.json"]);
    expectSluiceFailure(again);
    expect(again.stderr).toMatch(
      new RegExp(`WARN .*package ${p1.replace(".", "\\.")} failed at .* after 1 attempt`),
    );
    expect(again.stderr).toContain(`sluice pipeline shop packages retry ${p1}`);
    const [p2 = ""] = failedIds(again.stderr);
    expect(p2 > p1).toBe(true);
    expect(manifest(p1).failure?.attempts).toBe(1);
    expect((await cli(["pipeline", "shop", "packages"])).stdout).toContain(
      "The 2 loadable failed packages were extracted from the same committed state and hold the same data",
    );

    // Fixed in the destination: the retry loads the package exactly once, with its state.
    await duck("ALTER TABLE shop_dataset.orders ALTER COLUMN amount TYPE BIGINT");
    const retried = await cli(["pipeline", "shop", "packages", "retry", p1]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`Loaded package ${p1}: 1 row (orders 1)`);
    const twice = await cli(["pipeline", "shop", "packages", "retry", p1]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain(`error: Package ${p1} of pipeline "shop" is already loaded`);

    // The second failed package holds the same rows: loading it now would duplicate them. Refused.
    const stale = await cli(["pipeline", "shop", "packages"]);
    expect(stale.stdout).not.toContain("hold the same data");
    expect(stale.stdout).toContain(`${p2}  failed (superseded: a newer load has committed since; drop it)`);
    const refusedRetry = await cli(["pipeline", "shop", "packages", "retry", p2]);
    expect(refusedRetry.code).toBe(1);
    expect(refusedRetry.stderr).toContain("a newer load has committed since it was extracted");
    expect(refusedRetry.stderr).toContain(`packages drop ${p2}`);

    const ok = await cli(["run", "shop.json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`package ${p2} failed`);
    expect(ok.stderr).toContain("a newer load has committed since");
    expect(await duck("SELECT id, amount FROM shop_dataset.orders ORDER BY id")).toEqual([
      { id: 1, amount: 10 },
      { id: 2, amount: 5_000_000_000 },
    ]);

    const dropped = await cli(["pipeline", "shop", "packages", "drop", p2]);
    expect(dropped.code, dropped.stderr).toBe(0);
    expect(dropped.stdout).toContain(`Dropped package ${p2} (failed, orders 1).`);
    expect((await cli(["pipeline", "shop", "packages"])).stdout).toContain("no pending or failed packages");
    const unknown = await cli(["pipeline", "shop", "packages", "drop", "123.456"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: Pipeline "shop" has no package 123.456');
    const bad = await cli(["pipeline", "shop", "packages", "load"]);
    expect(bad.code).toBe(2);

    // `pipeline drop` of the resource takes packages not loaded with it; the next run starts over, unstuck.
    await duck("ALTER TABLE shop_dataset.orders ALTER COLUMN note SET NOT NULL");
    orders.push({ id: 3, amount: 1 });
    const third = await cli(["run", "shop.json"]);
    expectSluiceFailure(third);
    const [p3 = ""] = failedIds(third.stderr);
    const dropResource = await cli(["pipeline", "shop", "drop", "orders"]);
    expect(dropResource.code, dropResource.stderr).toBe(0);
    expect(dropResource.stdout).toContain(`Dropped 1 package not loaded (${p3})`);
    const fresh = await cli(["run", "shop.json"]);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).not.toContain("WARN");
    expect(await duck("SELECT id FROM shop_dataset.orders ORDER BY id")).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
  }, 180_000);

  it("PostgreSQL: a NOT NULL the user added names the column and record; fixed, the retry loads it", async () => {
    const url = testPgUrl();
    const dataset = uniqueDataset("pkgs");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const base = [
      "--pipeline",
      "pgshop",
      "--destination",
      "postgres",
      "--credentials",
      url,
      "--dataset",
      dataset,
    ];
    try {
      orders.splice(0, orders.length, { id: 1, amount: 10, note: "a" });
      const first = await cli(["run", "shop.json", ...base]);
      expect(first.code, first.stderr).toBe(0);
      await admin.query(`ALTER TABLE "${dataset}".orders ALTER COLUMN note SET NOT NULL`);
      orders.push({ id: 2, amount: 3 });
      const refused = await cli(["run", "shop.json", ...base]);
      expectSluiceFailure(refused);
      expect(refused.stderr).toMatch(
        /error: postgres refused load \S+: table "orders", column "note": a record has no value for a NOT NULL column/,
      );
      expect(refused.stderr).toContain("record: id=2 (fields: id, amount)");
      expect(refused.stderr).toContain("postgres said: null value in column");
      expect(refused.stderr).toContain(`ALTER TABLE "${dataset}"."orders" ALTER COLUMN "note" DROP NOT NULL`);
      const password = new URL(url).password;
      if (password.length >= 4) expect(refused.stderr).not.toContain(password);
      const [p1 = ""] = failedIds(refused.stderr);

      const listed = await cli(["pipeline", "pgshop", "packages", "--credentials", url]);
      expect(listed.stdout).toContain(`${p1}  failed`);
      expect(listed.stdout).toContain('column "note"');

      await admin.query(`ALTER TABLE "${dataset}".orders ALTER COLUMN note DROP NOT NULL`);
      const retried = await cli(["pipeline", "pgshop", "packages", "retry", p1, "--credentials", url]);
      expect(retried.code, retried.stderr).toBe(0);
      const next = await cli(["run", "shop.json", ...base]);
      expect(next.code, next.stderr).toBe(0);
      const rows = await admin.query(`SELECT id, note FROM "${dataset}".orders ORDER BY id`);
      expect(rows.rows).toEqual([
        { id: "1", note: "a" },
        { id: "2", note: null },
      ]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`);
      await admin.end();
    }
  }, 120_000);
});
