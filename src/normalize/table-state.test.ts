import { describe, expect, it } from "vitest";
import type { TableSchema } from "../schema/types.js";
import {
  addSystemColumns,
  createChildNode,
  createKeyState,
  createTableState,
  newRow,
  sampleDensity,
} from "./table-state.js";

function table(): TableSchema {
  const schema: TableSchema = { name: "items", resource: "items", write_disposition: "append", columns: {} };
  addSystemColumns(schema, false);
  return schema;
}

describe("key and node states", () => {
  it("names keys by their flattened path, fitted to the limit, and registers them at their node", () => {
    const state = createTableState(table(), 0, undefined, true);
    const ks = createKeyState(state.node, "Properties", 63);
    expect(state.node.keys.get("Properties")).toBe(ks);
    const child = createChildNode(ks);
    expect(child).toMatchObject({ prefix: "properties", level: 1, path: ["Properties"] });
    const inner = createKeyState(child, "countryCode", 63);
    expect(inner.candidate).toBe("properties__country_code");
    expect(inner.ident).toBe('["Properties","countryCode"]');
    expect(createKeyState(child, "x".repeat(80), 20).candidate.length).toBeLessThanOrEqual(20);
  });
});

describe("rows", () => {
  it("pre-shapes rows of dense tables with every column, and rebuilds after a column change", () => {
    const state = createTableState(table(), 0, undefined, true);
    expect(Object.keys(newRow(state))).toEqual(["_sluice_load_id", "_sluice_id"]);
    state.schema.columns.a = { name: "a", data_type: "text", nullable: true };
    state.newRow = undefined;
    expect(Object.keys(newRow(state))).toEqual(["_sluice_load_id", "_sluice_id", "a"]);
    expect(Object.values(newRow(state))).toEqual([undefined, undefined, undefined]);
  });

  it("samples density: rows filling fewer than 80% of the columns start empty", () => {
    const state = createTableState(table(), 0, undefined, true);
    for (let i = 0; i < 8; i++)
      state.schema.columns[`c${i}`] = { name: `c${i}`, data_type: "text", nullable: true };
    sampleDensity(state, { _sluice_load_id: "L", _sluice_id: "1", c0: "x" });
    expect(state.dense).toBe(false);
    expect(Object.keys(newRow(state))).toEqual([]);
  });
});
