import { describe, expect, it } from "vitest";
import type { SchemaVersionRecord } from "../pipeline/state-store.js";
import type { StoredSchema } from "../schema/types.js";
import { schemaDiff, tableViews } from "./schema-views.js";

const v1: StoredSchema = {
  name: "shop",
  version: 1,
  version_hash: "h1",
  tables: {
    orders: {
      name: "orders",
      resource: "orders",
      write_disposition: "merge",
      columns: {
        id: { name: "id", data_type: "bigint", nullable: false, primary_key: true },
        price: { name: "price", data_type: "double", nullable: true },
        note: { name: "note", data_type: "text", nullable: true },
      },
    },
  },
};

const v2: StoredSchema = {
  name: "shop",
  version: 2,
  version_hash: "h2",
  tables: {
    orders: {
      name: "orders",
      resource: "orders",
      write_disposition: "merge",
      columns: {
        id: { name: "id", data_type: "bigint", nullable: false, primary_key: true },
        price: { name: "price", data_type: "decimal", nullable: false, precision: 12, scale: 2 },
        price__v_text: { name: "price__v_text", data_type: "text", nullable: true, variant: true },
        discount: { name: "discount", data_type: "double", nullable: true },
      },
    },
    orders__items: {
      name: "orders__items",
      parent: "orders",
      resource: "orders",
      write_disposition: "merge",
      columns: { sku: { name: "sku", data_type: "text", nullable: true } },
    },
  },
};

const record = (schema: StoredSchema, load: string): SchemaVersionRecord => ({
  version: schema.version,
  version_hash: schema.version_hash,
  committed_at: `2026-12-0${schema.version}T00:00:00.000Z`,
  load_id: load,
  schema,
});

describe("schema views", () => {
  it("diffs two versions: tables added, columns added, removed, variants, type, nullability and hints", () => {
    const history = [record(v1, "l1"), record(v2, "l2")];
    const diff = schemaDiff(
      history[0] as SchemaVersionRecord,
      history[1] as SchemaVersionRecord,
      history,
      (l) => (l === "l2" ? "run-2" : undefined),
    );
    expect(diff.tables_added.map((t) => t.name)).toEqual(["orders__items"]);
    expect(diff.tables_removed).toEqual([]);
    expect(diff.changes).toEqual([
      { kind: "type_changed", table: "orders", column: "price", from: "double", to: "decimal" },
      { kind: "nullability_changed", table: "orders", column: "price", from: true, to: false },
      { kind: "hint_changed", table: "orders", column: "price", hint: "precision", from: null, to: 12 },
      { kind: "hint_changed", table: "orders", column: "price", hint: "scale", from: null, to: 2 },
      {
        kind: "variant_added",
        table: "orders",
        column: { name: "price__v_text", data_type: "text", nullable: true, variant: true },
        of: "price",
      },
      {
        kind: "column_added",
        table: "orders",
        column: { name: "discount", data_type: "double", nullable: true },
      },
      {
        kind: "column_removed",
        table: "orders",
        column: { name: "note", data_type: "text", nullable: true },
      },
    ]);
    expect(diff.introduced_by).toEqual([
      { version: 2, committed_at: "2026-12-02T00:00:00.000Z", run_id: "run-2", load_id: "l2" },
    ]);
    expect(diff.to.run_id).toBe("run-2");
  });

  it("lists tables parent first, each with its children", () => {
    expect(tableViews(v2).map((t) => [t.name, t.children])).toEqual([
      ["orders", ["orders__items"]],
      ["orders__items", []],
    ]);
  });
});
