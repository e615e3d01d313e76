import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { resource } from "../../src/core/resource.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

let sb: PipelineSandbox;
beforeEach(() => {
  sb = pipelineSandbox();
});
afterEach(() => sb.cleanup());

describe("types in DuckDB", () => {
  it("loads every inferred and hinted type into its DuckDB type", async () => {
    const p = sb.make();
    await p.run(
      resource(
        "typed",
        [
          {
            i: 1,
            big: "9007199254740993",
            d: 1.5,
            b: true,
            s: "text",
            ts: "2024-03-01T10:20:30.123456+02:00",
            day: "2024-03-01",
            price: "12.34",
            doc: { any: ["json", 1] },
          },
        ],
        {
          columns: {
            big: { data_type: "bigint" },
            price: { data_type: "decimal", precision: 10, scale: 2 },
            doc: { data_type: "json" },
          },
        },
      ),
    );
    const cols = await sb.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'test_dataset' AND table_name = 'typed' AND column_name NOT LIKE '_sluice%' ORDER BY ordinal_position",
    );
    expect(Object.fromEntries(cols.map((c) => [c["column_name"], c["data_type"]]))).toEqual({
      i: "BIGINT",
      big: "BIGINT",
      d: "DOUBLE",
      b: "BOOLEAN",
      s: "VARCHAR",
      ts: "TIMESTAMP WITH TIME ZONE",
      day: "DATE",
      price: "DECIMAL(10,2)",
      doc: "JSON",
    });
    const [row] = await sb.query(
      "SELECT CAST(big AS VARCHAR) AS big, epoch_us(ts) AS us, CAST(day AS VARCHAR) AS day, CAST(price AS VARCHAR) AS price, doc->>'$.any[0]' AS j FROM $ds.typed",
    );
    expect(row).toEqual({
      big: "9007199254740993",
      us: Date.parse("2024-03-01T08:20:30.123Z") * 1000 + 456,
      day: "2024-03-01",
      price: "12.34",
      j: "json",
    });
  });

  it("creates keys and nullable: false columns NOT NULL, and refuses a record without one before loading", async () => {
    const p = sb.make();
    const hints = {
      primary_key: "id",
      write_disposition: "merge" as const,
      columns: {
        email: { data_type: "text" as const, nullable: false },
        note: { data_type: "text" as const },
      },
    };
    await p.run(resource("people", [{ id: 1, email: "a@x" }], hints));
    const cols = await sb.query(
      "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'test_dataset' AND table_name = 'people' ORDER BY ordinal_position",
    );
    expect(Object.fromEntries(cols.map((c) => [c["column_name"], c["is_nullable"]]))).toMatchObject({
      id: "NO",
      email: "NO",
      note: "YES",
      _sluice_id: "NO",
    });
    await expect(
      p.run(resource("people", [{ id: 2, email: "b@x" }, { id: 3 }], hints)),
    ).rejects.toMatchObject({
      code: "REQUIRED_VALUE_MISSING",
    });
    expect(await sb.count("people")).toBe(1);
    expect(p.listPackages().map((m) => m.status)).toEqual(["loaded"]);
  });

  it("warns how many records a discard_row contract dropped", async () => {
    const logger = memoryLogger("warn");
    const p = sb.make("test", { logger });
    const hints = { schema_contract: { columns: "discard_row" as const } };
    await p.run(resource("strict", [{ id: 1 }], hints));
    await p.run(resource("strict", [{ id: 2 }, { id: 3, extra: "x" }], hints));
    expect(await sb.count("strict")).toBe(2);
    expect(logger.entries.map((e) => e.msg)).toContain(
      "1 of 2 records dropped by the schema contract (discard_row, or a table it does not allow)",
    );
  });

  it("adds columns as they appear and keeps misfits in variant columns", async () => {
    const p = sb.make();
    await p.run(resource("evo", [{ id: 1, n: 5 }]));
    await p.run(resource("evo", [{ id: 2, n: "not a number", added: true }]));
    const rows = await sb.query("SELECT * EXCLUDE (_sluice_load_id, _sluice_id) FROM $ds.evo ORDER BY id");
    expect(rows).toEqual([
      { id: 1, n: 5, added: null, n__v_text: null },
      { id: 2, n: null, added: true, n__v_text: "not a number" },
    ]);
  });

  it("quotes hostile names and keeps unicode", async () => {
    const p = sb.make();
    await p.run(resource("Straße Ärger; DROP", [{ 'weird "col"': 1, select: 2, größe: 3 }]));
    const tables = await sb.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'test_dataset' AND table_name NOT LIKE '_sluice%'",
    );
    expect(tables).toHaveLength(1);
    const name = String(tables[0]?.["table_name"]);
    expect(await sb.count(name.replace(/"/g, '""'))).toBe(1);
  });
});
