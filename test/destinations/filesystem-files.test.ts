import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckdbConnection } from "../../src/destinations/duckdb/duckdb-connection.js";
import { filesystemDestination } from "../../src/destinations/filesystem/filesystem-destination.js";
import { resolveDestination } from "../../src/destinations/registry.js";
import { rootTable, schemaOf, stateOf, writePackage } from "./helpers/destination-packages.js";
import { contextFor } from "./helpers/destination-targets.js";

const work = mkdtempSync(join(tmpdir(), "sluice-fs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("filesystem destination files", () => {
  it("lays out <dataset>/<table>/<load_id>.<n>.parquet with markers, state and schema beside the data", async () => {
    const bucket = join(work, "layout");
    const client = await filesystemDestination({ bucketUrl: `file://${bucket}`, rowsPerFile: 2 }).connect(
      contextFor("p", "ds", work),
    );
    const t = rootTable("items", { id: "bigint" });
    const rows = [1, 2, 3].map((id) => ({ id, _sluice_id: `i${id}` }));
    const pkg = writePackage({
      dir: join(work, "pk1"),
      loadId: "1700000000.5",
      schema: schemaOf("s", [t]),
      data: [{ table: "items", rows }],
      state: stateOf("p", 1),
    });
    await client.commitPackage(pkg);
    expect(readdirSync(join(bucket, "ds", "items")).sort()).toEqual([
      "1700000000.5.0.parquet",
      "1700000000.5.1.parquet",
    ]);
    for (const d of ["_sluice_loads", "_sluice_pipeline_state", "_sluice_version"])
      expect(readdirSync(join(bucket, "ds", d))).toEqual(["1700000000.5.json"]);
    expect(await client.rowCounts(["items"])).toEqual({ items: 3 });
  });

  it("writes parquet that other engines read with the right types", async () => {
    const bucket = join(work, "types");
    const client = await filesystemDestination({ bucketUrl: bucket }).connect(contextFor("p", "ds", work));
    const t = rootTable("typed", {
      id: "bigint",
      f: "double",
      b: "bool",
      s: "text",
      ts: "timestamp",
      d: "date",
      j: "json",
      amount: { data_type: "decimal", precision: 10, scale: 2 },
    });
    const pkg = writePackage({
      dir: join(work, "pk2"),
      loadId: "1700000001",
      schema: schemaOf("s", [t]),
      data: [
        {
          table: "typed",
          rows: [
            {
              id: 9_007_199_254_740_991,
              f: 2.5,
              b: true,
              s: "tab\there",
              ts: "2024-05-06T07:08:09.123456Z",
              d: "2024-05-06",
              j: { k: [1, "two"] },
              amount: "-1234.56",
            },
            { id: 2 },
          ],
        },
      ],
      state: stateOf("p", 1),
    });
    await client.commitPackage(pkg);
    const conn = await DuckdbConnection.open(":memory:");
    try {
      const file = join(bucket, "ds", "typed", "1700000001.0.parquet");
      const types = await conn.query(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`,
      );
      expect(Object.fromEntries(types.map((r) => [r["column_name"], r["column_type"]]))).toMatchObject({
        id: "BIGINT",
        f: "DOUBLE",
        b: "BOOLEAN",
        s: "VARCHAR",
        ts: "TIMESTAMP WITH TIME ZONE",
        d: "DATE",
        amount: "DECIMAL(10,2)",
      });
      const [row] = await conn.query(
        `SELECT id::VARCHAR AS id, s, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%f') AS ts, d::VARCHAR AS d, amount::VARCHAR AS amount, j::VARCHAR AS j FROM read_parquet('${file}') ORDER BY id DESC LIMIT 1`,
      );
      expect(row).toEqual({
        id: "9007199254740991",
        s: "tab\there",
        ts: "2024-05-06T07:08:09.123456",
        d: "2024-05-06",
        amount: "-1234.56",
        j: '{"k":[1,"two"]}',
      });
    } finally {
      conn.close();
    }
  });

  it("after a crash mid-load the load is not committed, its partial files are ignored, then replaced on rerun", async () => {
    const bucket = join(work, "crash");
    const ctx = contextFor("p", "ds", work);
    const t = rootTable("events", { id: "bigint" });
    const pkg = writePackage({
      dir: join(work, "pk3"),
      loadId: "1700000002",
      schema: schemaOf("s", [t]),
      data: [{ table: "events", rows: [{ id: 1 }, { id: 2 }] }],
      state: stateOf("p", 1),
    });
    // What a process killed half way through commitPackage leaves: a data file, a temp file, no marker.
    mkdirSync(join(bucket, "ds", "events"), { recursive: true });
    writeFileSync(join(bucket, "ds", "events", "1700000002.0.parquet"), "partial");
    writeFileSync(join(bucket, "ds", "events", "1700000002.1.parquet.ab12cd34.sluice-tmp"), "partial");
    const client = await filesystemDestination({ bucketUrl: bucket }).connect(ctx);
    expect(await client.isLoaded("1700000002")).toBe(false);
    expect(await client.rowCounts(["events"])).toEqual({ events: 0 });
    expect(await client.sampleRows("events", 10)).toEqual([]);
    await client.commitPackage(pkg);
    expect(await client.isLoaded("1700000002")).toBe(true);
    expect(readdirSync(join(bucket, "ds", "events"))).toEqual(["1700000002.0.parquet"]);
    expect((await client.sampleRows("events", 10)).map((r) => r["id"])).toEqual([1, 2]);
  });

  it("is chosen by name with --bucket-url, and says what is missing without one", () => {
    expect(resolveDestination("filesystem", { bucket_url: join(work, "x"), format: "jsonl" }).name).toBe(
      "filesystem",
    );
    const previous = process.env["DESTINATION__FILESYSTEM__BUCKET_URL"];
    delete process.env["DESTINATION__FILESYSTEM__BUCKET_URL"];
    try {
      expect(() => resolveDestination("filesystem", {})).toThrow(/bucket_url/);
    } finally {
      if (previous !== undefined) process.env["DESTINATION__FILESYSTEM__BUCKET_URL"] = previous;
    }
    expect(() =>
      resolveDestination("filesystem", { bucket_url: "s3://bucket/x" }).describeLocation(
        contextFor("p", "d", work),
      ),
    ).toThrow(/only local directories/);
    expect(() => resolveDestination("filesystem", { bucket_url: work, format: "csv" })).toThrow(
      /Unknown filesystem format "csv"/,
    );
    expect(existsSync(work)).toBe(true);
  });
});
