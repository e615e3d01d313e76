import { describe, expect, it } from "vitest";
import { memoryLogger } from "../../core/logger.js";
import type { ColumnSchema, StoredSchema, TableSchema } from "../../schema/types.js";
import { duckdbDialect } from "../duckdb/duckdb-dialect.js";
import { planTrees } from "./table-plan.js";
import { dispositionStatements } from "./write-disposition-sql.js";

const c = (name: string, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  data_type: "text",
  nullable: true,
  ...extra,
});

function schemaOf(root: Partial<TableSchema>, withChild = true): StoredSchema {
  const tables: Record<string, TableSchema> = {
    items: {
      name: "items",
      resource: "items",
      write_disposition: "merge",
      columns: { _sluice_id: c("_sluice_id"), id: c("id", { primary_key: true }), v: c("v") },
      ...root,
    },
  };
  if (withChild)
    tables["items__tags"] = {
      name: "items__tags",
      parent: "items",
      resource: "items",
      write_disposition: "merge",
      columns: { _sluice_root_id: c("_sluice_root_id"), value: c("value") },
    };
  tables["items__tags__deep"] = {
    name: "items__tags__deep",
    parent: "items__tags",
    resource: "items",
    write_disposition: "merge",
    columns: { _sluice_root_id: c("_sluice_root_id"), x: c("x") },
  };
  return { name: "s", version: 1, version_hash: "h", tables };
}

const pkg = [{ table: "items", files: ["f"], rowCount: 1 }];

describe("planTrees", () => {
  it("groups child tables under their root, parents before children", () => {
    const [plan] = planTrees(schemaOf({}), pkg, memoryLogger());
    expect(plan?.descendants.map((d) => d.name)).toEqual(["items__tags", "items__tags__deep"]);
    expect(plan?.primaryKey).toEqual(["id"]);
    expect(plan?.strategy).toBe("delete-insert");
  });

  it("falls back to append with a warning when a merge has no key", () => {
    const logger = memoryLogger();
    const [plan] = planTrees(schemaOf({ columns: { _sluice_id: c("_sluice_id"), v: c("v") } }), pkg, logger);
    expect(plan?.disposition).toBe("append");
    expect(logger.entries.some((e) => e.level === "warn")).toBe(true);
  });

  it("fails an upsert without a primary key (as dlt's load), whatever the merge_key", () => {
    const columns = { _sluice_id: c("_sluice_id"), id: c("id", { merge_key: true }), v: c("v") };
    expect(() => planTrees(schemaOf({ merge_strategy: "upsert", columns }), pkg, memoryLogger())).toThrow(
      /table "items": merge strategy upsert needs a primary_key/,
    );
  });

  it("runs scd2 without any key as scd2, not as append", () => {
    const columns = { _sluice_id: c("_sluice_id"), v: c("v") };
    const [plan] = planTrees(schemaOf({ merge_strategy: "scd2", columns }), pkg, memoryLogger());
    expect(plan?.disposition).toBe("merge");
    expect(plan?.strategy).toBe("scd2");
  });

  it("adds the validity columns to scd2 roots", () => {
    const [plan] = planTrees(schemaOf({ merge_strategy: "scd2" }), pkg, memoryLogger());
    expect(Object.keys(plan!.root.columns)).toEqual(
      expect.arrayContaining(["_sluice_valid_from", "_sluice_valid_to"]),
    );
  });

  it("leaves tables of resources not in the package alone", () => {
    expect(planTrees(schemaOf({}), [], memoryLogger())).toEqual([]);
  });
});

describe("dispositionStatements", () => {
  const targets = {
    target: (t: string) => `"ds"."${t}"`,
    source: (t: string) => (t === "items" ? '"stg_root"' : t === "items__tags" ? '"stg_tags"' : null),
    loadId: "1",
    loadTime: "2024-01-01T00:00:00Z",
  };

  it("replace deletes every table of the tree, children first, before inserting", () => {
    const [plan] = planTrees(schemaOf({ write_disposition: "replace" }), pkg, memoryLogger());
    const sql = dispositionStatements(plan!, duckdbDialect, targets);
    expect(sql.slice(0, 3)).toEqual([
      'DELETE FROM "ds"."items__tags__deep"',
      'DELETE FROM "ds"."items__tags"',
      'DELETE FROM "ds"."items"',
    ]);
    expect(sql.filter((s) => s.startsWith("INSERT"))).toHaveLength(2);
  });

  it("delete-insert dedups staging, deletes replaced children by root id, then the roots", () => {
    const [plan] = planTrees(schemaOf({}), pkg, memoryLogger());
    const sql = dispositionStatements(plan!, duckdbDialect, targets);
    expect(sql[0]).toContain('GROUP BY "id"');
    const deep = sql.findIndex((s) =>
      s.startsWith('DELETE FROM "ds"."items__tags__deep" WHERE "_sluice_root_id"'),
    );
    const root = sql.findIndex((s) => s.startsWith('DELETE FROM "ds"."items" AS t'));
    expect(deep).toBeGreaterThan(0);
    expect(root).toBeGreaterThan(deep);
    expect(sql.at(-1)).toMatch(/^INSERT INTO "ds"."items__tags"/);
  });

  it("quotes hostile identifiers", () => {
    const s = schemaOf({
      columns: { _sluice_id: c("_sluice_id"), 'a"b; drop': c('a"b; drop', { primary_key: true }) },
    });
    const [plan] = planTrees(s, pkg, memoryLogger());
    const sql = dispositionStatements(plan!, duckdbDialect, targets).join("\n");
    expect(sql).toContain('"a""b; drop"');
  });
});
