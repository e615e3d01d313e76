import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResourceHints } from "../../src/core/resource.js";
import { type Resource, resource } from "../../src/core/resource.js";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { translateDuckdbError } from "../../src/destinations/duckdb/duckdb-load-error.js";
import { duckdb } from "../../src/destinations/duckdb/index.js";
import { postgresDestination } from "../../src/destinations/postgres/index.js";
import type { Destination } from "../../src/destinations/types.js";
import type { Pipeline } from "../../src/pipeline/index.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox("sluice-failed-");
});
afterEach(() => sb.cleanup());

/** Orders with an incremental-style cursor in state: each run yields `rows` and records the highest id. */
function orders(rows: Record<string, unknown>[], hints: ResourceHints = {}): Resource {
  return resource(
    "orders",
    async function* (ctx) {
      for (const r of rows) yield r;
      ctx.state["last_id"] = Math.max(Number(ctx.state["last_id"] ?? 0), ...rows.map((r) => Number(r["id"])));
    },
    { primary_key: "id", ...hints },
  );
}

const warnings = () => sb.logs.filter((e) => e.level === "warn").map((e) => e.msg);

describe("a package the destination refuses (DuckDB)", () => {
  async function failOnce(p: Pipeline): Promise<string> {
    await p.run(orders([{ id: 1, amount: 10, note: "first" }]));
    // The user narrows the column in the destination: a later value no longer fits.
    await sb.query("ALTER TABLE $ds.orders ALTER COLUMN amount TYPE INTEGER");
    const err = await p.run(orders([{ id: 2, amount: 5_000_000_000, note: "big" }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const e = err as Error & { code?: string; hint?: string };
    expect(e.message.split("\n")[0]).toMatch(
      /^duckdb refused load \d+\.\d+: table "orders", column "amount": value 5000000000 does not fit/,
    );
    expect(e.message).toContain("record: id=2 (fields: id, amount, note)");
    expect(e.message).toContain("duckdb said: Conversion Error");
    expect(e.code).toBe("DESTINATION_REFUSED");
    expect(e.hint).toContain('ALTER TABLE "orders_dataset"."orders" ALTER COLUMN "amount" TYPE BIGINT');
    const failed = p.listPackages().filter((m) => m.status === "failed");
    expect(failed).toHaveLength(1);
    const id = failed[0]?.load_id ?? "";
    expect(e.hint).toContain(`sluice pipeline orders packages retry ${id}`);
    expect(e.hint).toContain(`sluice pipeline orders packages drop ${id}`);
    expect(failed[0]?.failure).toMatchObject({
      code: "DESTINATION_REFUSED",
      transient: false,
      attempts: 1,
      column: "amount",
      table: "orders",
    });
    expect(Date.parse(failed[0]?.failure?.failed_at ?? "")).toBeGreaterThan(0);
    return id;
  }

  it("marks it failed with the reason; the next run warns, sets it aside and loads new data; it is then superseded", async () => {
    const p = sb.make("orders");
    const failedId = await failOnce(p);
    expect((await p.state()).resources["orders"]).toEqual({ last_id: 1 });

    // The next run is not stuck: the failed package is not retried, the data is extracted again.
    const info = await p.run(orders([{ id: 2, amount: 7, note: "fixed at the source" }]));
    expect(info.packages.map((x) => x.loadId)).not.toContain(failedId);
    expect(warnings().join("\n")).toMatch(
      new RegExp(
        `package ${failedId.replace(".", "\\.")} failed at .* after 1 attempt \\(DESTINATION_REFUSED`,
      ),
    );
    expect(await sb.query("SELECT id, amount FROM $ds.orders ORDER BY id")).toEqual([
      { id: 1, amount: 10 },
      { id: 2, amount: 7 },
    ]);
    expect((await p.state()).resources["orders"]).toEqual({ last_id: 2 });

    // Loading the old package now would add id 2 again and roll the cursor back: refused, drop offered.
    expect(p.pendingPackages()).toEqual([
      { manifest: expect.objectContaining({ load_id: failedId, status: "failed" }), loadable: false },
    ]);
    await expect(p.retryPackage(failedId)).rejects.toMatchObject({
      code: "PACKAGE_SUPERSEDED",
      hint: expect.stringContaining(`packages drop ${failedId}`),
    });
    sb.logs.length = 0;
    await p.run(orders([]));
    expect(warnings().join("\n")).toContain("a newer load has committed since");
    expect(p.dropPackages({ loadIds: [failedId] }).map((m) => m.load_id)).toEqual([failedId]);
    expect(p.pendingPackages()).toEqual([]);
    expect(await sb.count("orders", "id = 2")).toBe(1);
    expect((await p.state()).resources["orders"]).toEqual({ last_id: 2 });
  });

  it("retries it exactly once after the destination is fixed, committing its state", async () => {
    const p = sb.make("orders");
    const failedId = await failOnce(p);
    await sb.query("ALTER TABLE $ds.orders ALTER COLUMN amount TYPE BIGINT");
    const info = await p.retryPackage(failedId);
    expect(info).toMatchObject({ loadId: failedId, committed: true, rowCounts: { orders: 1 } });
    expect(p.listPackages().find((m) => m.load_id === failedId)).toMatchObject({
      status: "loaded",
      failure: { attempts: 1 },
    });
    await expect(p.retryPackage(failedId)).rejects.toMatchObject({ code: "PACKAGE_LOADED" });
    await p.run(orders([]));
    expect(await sb.query("SELECT id, amount FROM $ds.orders ORDER BY id")).toEqual([
      { id: 1, amount: 10 },
      { id: 2, amount: 5_000_000_000 },
    ]);
    expect((await p.state()).resources["orders"]).toEqual({ last_id: 2 });
    expect(await sb.count("_sluice_loads")).toBe(3);
  });

  it("a failed retry counts the attempt and stays failed; unknown ids are named", async () => {
    const p = sb.make("orders");
    const failedId = await failOnce(p);
    await expect(p.retryPackage(failedId)).rejects.toThrow(/marked failed \(attempt 2\)/);
    expect(p.listPackages().find((m) => m.load_id === failedId)?.failure?.attempts).toBe(2);
    await expect(p.retryPackage("123.456")).rejects.toMatchObject({
      code: "PACKAGE_UNKNOWN",
      hint: expect.stringContaining(`${failedId} (failed)`),
    });
    expect(() => p.dropPackages({ loadIds: ["../../x"] })).toThrow(/has no package/);
    expect(p.dropPackages({ allFailed: true }).map((m) => m.load_id)).toEqual([failedId]);
  });

  it("pipeline drop of a resource removes packages not loaded (they hold the old state)", async () => {
    const p = sb.make("orders");
    const failedId = await failOnce(p);
    const dropped = await p.drop({ resources: ["orders"] });
    expect(dropped.packages).toEqual([failedId]);
    expect(p.pendingPackages()).toEqual([]);
    await p.run(orders([{ id: 3, amount: 1 }]));
    expect(await sb.query("SELECT id FROM $ds.orders")).toEqual([{ id: 3 }]);
  });

  it("a full refresh clears failed packages", async () => {
    const p = sb.make("orders");
    await failOnce(p);
    const fresh = sb.make("orders", { full_refresh: true });
    await fresh.run(orders([{ id: 9, amount: 5_000_000_000 }]));
    expect(fresh.pendingPackages()).toEqual([]);
    expect(await sb.query("SELECT id FROM $ds.orders")).toEqual([{ id: 9 }]);
  });

  it("names the table, the column and the record for NOT NULL and CHECK refusals", async () => {
    const p = sb.make("orders");
    await p.run(orders([{ id: 1, amount: 10, note: "a" }]));
    await sb.query("ALTER TABLE $ds.orders ALTER COLUMN note SET NOT NULL");
    const err = (await p.run(orders([{ id: 2, amount: 3 }])).catch((e: unknown) => e)) as Error;
    expect(err.message.split("\n")[0]).toMatch(
      /^duckdb refused load \S+: table "orders", column "note": a record has no value for a NOT NULL column/,
    );
    expect(err.message).toContain("record: id=2");
    expect((err as { hint?: string }).hint).toContain("DROP NOT NULL");

    // DuckDB cannot add a CHECK to an existing table: the message parser is exercised directly.
    const check = translateDuckdbError(
      new Error(
        "Constraint Error: CHECK constraint failed on table orders with expression CHECK((amount > 0))",
      ),
      { loadId: "1.5", dataset: "ds", schema: { name: "s", version: 1, version_hash: "h", tables: {} } },
      {},
    );
    expect(check.message.split("\n")[0]).toBe(
      'duckdb refused load 1.5: table "orders": a value breaks the CHECK constraint CHECK((amount > 0))',
    );
  });

  it("reads DuckDB's JSON transform error (the issue's integer beyond int64): column and record from the file line", async () => {
    const file = join(sb.dir, "t0.ndjson");
    writeFileSync(file, '{"id":6,"big":1}\n{"id":7,"big":12345678901234567890}\n');
    const conn = await DuckdbConnection.open(":memory:");
    const raw = await conn
      .query(
        `SELECT * FROM read_json(['${file}'], format = 'newline_delimited', columns = {'id': 'BIGINT', 'big': 'BIGINT'})`,
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    conn.close();
    expect(String(raw)).toContain("JSON transform error");
    const schema = {
      name: "s",
      version: 1,
      version_hash: "h",
      tables: {
        orders: {
          name: "orders",
          resource: "orders",
          write_disposition: "append" as const,
          columns: {
            id: { name: "id", data_type: "bigint" as const, nullable: false, primary_key: true },
            big: { name: "big", data_type: "bigint" as const, nullable: true },
          },
        },
      },
    };
    const e = translateDuckdbError(
      raw,
      { loadId: "1.5", dataset: "ds", schema },
      { table: "orders", files: [file] },
    );
    const [head, record] = e.message.split("\n");
    expect(head).toBe(
      'duckdb refused load 1.5: table "orders", column "big": value 12345678901234567890 does not fit the column\'s type in the destination (sluice expects BIGINT)',
    );
    expect(record).toBe("  record: id=7 (fields: id, big)");
    expect(e.hint).toContain('columns: {big: {data_type: "text"}} or "decimal"');
    expect(e.message).not.toContain("bug in sluice");
  });

  it("masks the value of a secret-looking column", async () => {
    const p = sb.make("orders");
    await p.run(orders([{ id: 1, api_token: 10 }]));
    await sb.query("ALTER TABLE $ds.orders ALTER COLUMN api_token TYPE INTEGER");
    const err = (await p
      .run(orders([{ id: 2, api_token: 5_000_000_001 }]))
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('column "api_token": value *** does not fit');
    expect(err.message).not.toContain("5000000001");
    const [failed] = p.pendingPackages();
    expect(JSON.stringify(failed?.manifest.failure)).not.toContain("5000000001");
  });
});

describe("a transient load failure", () => {
  /** DuckDB, except that the first `failures` commits fail the way a full disk does. */
  function flaky(path: string, failures: number): Destination {
    const real = duckdb({ path });
    let left = failures;
    return {
      ...real,
      async connect(ctx) {
        const client = await real.connect(ctx);
        return Object.assign(Object.create(client) as typeof client, {
          // Every commit goes through commitPackage here: no load overlapped with extraction.
          openLoad: undefined,
          async commitPackage(pkg: Parameters<typeof client.commitPackage>[0]) {
            if (left-- > 0)
              throw translateDuckdbError(
                new Error("IO Error: Could not write file: No space left on device"),
                { loadId: pkg.loadId, dataset: ctx.datasetName, schema: pkg.schema },
                {},
              );
            return client.commitPackage(pkg);
          },
        });
      },
    };
  }

  it("is retried once by the next run, before its data would be extracted again", async () => {
    const p = sb.make("orders", { destination: flaky(sb.dbPath, 1) });
    const err = (await p.run(orders([{ id: 1, amount: 1 }])).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/the next run retries it once by itself/);
    const [failed] = p.listPackages();
    expect(failed?.failure).toMatchObject({ transient: true, attempts: 1, code: "DESTINATION_UNAVAILABLE" });
    const info = await p.run(orders([{ id: 2, amount: 2 }]));
    expect(info.packages.map((x) => [x.loadId, x.resumed])).toEqual([
      [failed?.load_id, true],
      [expect.any(String), false],
    ]);
    expect(await sb.query("SELECT id FROM $ds.orders ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("is set aside after its second failure", async () => {
    const p = sb.make("orders", { destination: flaky(sb.dbPath, 2) });
    await expect(p.run(orders([{ id: 1 }]))).rejects.toThrow(/retries it once/);
    await expect(p.run(orders([{ id: 1 }]))).rejects.toThrow(/attempt 2\); it is set aside from now on/);
    const info = await p.run(orders([{ id: 1 }]));
    expect(info.packages).toHaveLength(1);
    expect(warnings().join("\n")).toMatch(/after 2 attempts/);
    expect(await sb.query("SELECT id FROM $ds.orders")).toEqual([{ id: 1 }]);
  });
});

describe("a package PostgreSQL refuses", () => {
  const admin = new pg.Client({ connectionString: testPgUrl() });
  let connected = false;
  afterAll(async () => {
    if (connected) await admin.end();
  });

  it("names table, column and record from the error fields, and retries once fixed", async () => {
    if (!connected) {
      await admin.connect();
      connected = true;
    }
    const dataset = uniqueDataset("failed");
    const p = sb.make("orders", {
      destination: postgresDestination({ credentials: testPgUrl() }),
      dataset_name: dataset,
    });
    try {
      await p.run(orders([{ id: 1, amount: 10, note: "a" }]));
      await admin.query(`ALTER TABLE "${dataset}".orders ALTER COLUMN note SET NOT NULL`);
      const err = (await p.run(orders([{ id: 2, amount: 3 }])).catch((e: unknown) => e)) as Error;
      expect(err.message.split("\n")[0]).toMatch(
        /^postgres refused load \S+: table "orders", column "note": a record has no value for a NOT NULL column/,
      );
      expect(err.message).toContain("record: id=2 (fields: id, amount)");
      expect(err.message).toContain("postgres said: null value in column");
      expect((err as { hint?: string }).hint).toContain(
        `ALTER TABLE "${dataset}"."orders" ALTER COLUMN "note" DROP NOT NULL`,
      );
      const [failed] = p.pendingPackages();
      expect(failed?.manifest.failure).toMatchObject({
        code: "DESTINATION_REFUSED",
        column: "note",
        transient: false,
      });

      await admin.query(`ALTER TABLE "${dataset}".orders ALTER COLUMN note DROP NOT NULL`);
      await p.retryPackage(failed?.manifest.load_id ?? "");
      const rows = await admin.query(`SELECT id, note FROM "${dataset}".orders ORDER BY id`);
      expect(rows.rows).toEqual([
        { id: "1", note: "a" },
        { id: "2", note: null },
      ]);

      // A column narrowed in the destination: COPY names the line, the column and the value.
      await admin.query(`ALTER TABLE "${dataset}".orders ALTER COLUMN amount TYPE integer`);
      const narrow = (await p
        .run(orders([{ id: 3, amount: 5_000_000_000 }]))
        .catch((e: unknown) => e)) as Error;
      expect(narrow.message.split("\n")[0]).toMatch(
        /^postgres refused load \S+: table "orders", column "amount": value 5000000000 does not fit the column's type in the destination \(sluice expects bigint\)/,
      );
      expect(narrow.message).toContain("record: id=3");
      expect((narrow as { hint?: string }).hint).toContain(
        `ALTER TABLE "${dataset}"."orders" ALTER COLUMN "amount" TYPE bigint`,
      );
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${dataset}" CASCADE`);
    }
  }, 60_000);
});
