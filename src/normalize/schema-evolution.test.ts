import { describe, expect, it } from "vitest";
import type { ResourceHints } from "../core/resource.js";
import { resolveContract, SchemaContractError } from "../schema/contract.js";
import type { StoredSchema } from "../schema/types.js";
import { SchemaEvolution } from "./schema-evolution.js";
import { SchemaVersions } from "./schema-versions.js";
import { createKeyState } from "./table-state.js";

function evolution(hints: ResourceHints = {}, tables: StoredSchema["tables"] = {}) {
  const stored: StoredSchema = { name: "s", version: 0, version_hash: "", tables };
  const evo = new SchemaEvolution(stored, new SchemaVersions(stored), 63);
  const root = evo.openRootTable("items", "items", hints, resolveContract(hints.schema_contract));
  return { stored, evo, root: root! };
}

/** `items` as an earlier run left it: it had data, with an `id` bigint column claimed by key `id`. */
function established(): StoredSchema["tables"] {
  return {
    items: {
      name: "items",
      resource: "items",
      write_disposition: "append",
      seen_data: true,
      source_names: { id: '["id"]' },
      columns: { id: { name: "id", data_type: "bigint", nullable: true } },
    },
  };
}

describe("root tables", () => {
  it("creates the table with system and hinted columns and settings from the hints", () => {
    const { stored, root } = evolution({
      write_disposition: "merge",
      primary_key: "id",
      columns: { id: { data_type: "bigint" }, email: { data_type: "text", nullable: false } },
    });
    expect(Object.keys(stored.tables.items!.columns)).toEqual([
      "_sluice_load_id",
      "_sluice_id",
      "id",
      "email",
    ]);
    expect(root).toMatchObject({ idMode: "primary_key", primaryKey: ["id"], required: ["id", "email"] });
    expect(root.fresh).toBe(true);
  });

  it("opens no new table when the tables contract does not evolve", () => {
    const stored: StoredSchema = { name: "s", version: 0, version_hash: "", tables: {} };
    const evo = new SchemaEvolution(stored, new SchemaVersions(stored), 63);
    expect(evo.openRootTable("items", "items", {}, resolveContract({ tables: "freeze" }))).toBeUndefined();
    expect(stored.tables).toEqual({});
  });
});

describe("columns", () => {
  it("claims the name and adds an inferred column; a second key normalizing alike gets a suffix", () => {
    const { stored, evo, root } = evolution();
    const first = createKeyState(root.node, "aB", 63);
    const second = createKeyState(root.node, "a_b", 63);
    expect(evo.columnFor(first, 1)).toMatchObject({ name: "a_b", data_type: "bigint" });
    expect(evo.columnFor(second, "x")).toMatchObject({ name: "a_b_1", data_type: "text" });
    expect(stored.tables.items!.source_names).toEqual({ a_b: '["aB"]', a_b_1: '["a_b"]' });
    expect(first.column?.name).toBe("a_b");
  });

  it("under a contract: freeze throws, discard modes refuse and leave no claim behind", () => {
    const frozen = evolution({ schema_contract: { columns: "freeze" } }, established());
    const extra = createKeyState(frozen.root.node, "extra", 63);
    expect(() => frozen.evo.columnFor(extra, 1)).toThrow(SchemaContractError);
    for (const mode of ["discard_row", "discard_value"] as const) {
      const { stored, evo, root } = evolution({ schema_contract: { columns: mode } }, established());
      expect(evo.columnFor(createKeyState(root.node, "extra", 63), 1)).toBe(mode);
      expect(stored.tables.items!.source_names).toEqual({ id: '["id"]' });
      expect(stored.tables.items!.columns.extra).toBeUndefined();
      // The existing column is no change: it is taken whatever the contract.
      expect(evo.columnFor(createKeyState(root.node, "id", 63), 1)).toMatchObject({ name: "id" });
    }
  });
});

describe("variants", () => {
  it("adds <col>__v_<type> for a value that does not fit, or refuses it under the data_type contract", () => {
    const { stored, evo, root } = evolution({}, established());
    const id = createKeyState(root.node, "id", 63);
    const base = evo.columnFor(id, 1);
    if (typeof base === "string") throw new Error("expected a column");
    expect(evo.variantFor(id, base, "text", "x")).toMatchObject({ name: "id__v_text", variant: true });
    expect(id.variants?.text?.name).toBe("id__v_text");
    expect(stored.tables.items!.source_names!.id__v_text).toBe('["id"]#text');

    const refused = evolution({ schema_contract: { data_type: "discard_value" } }, established());
    const key = createKeyState(refused.root.node, "id", 63);
    const col = refused.evo.columnFor(key, 1);
    if (typeof col === "string") throw new Error("expected a column");
    expect(refused.evo.variantFor(key, col, "text", "x")).toBe("discard_value");
    expect(refused.stored.tables.items!.source_names).toEqual({ id: '["id"]' });
  });
});

describe("child tables", () => {
  it("creates <table>__<field> with its system columns and the field claimed in the parent", () => {
    const { stored, evo, root } = evolution({ write_disposition: "replace" });
    const list = evo.childListFor(createKeyState(root.node, "lineItems", 63));
    if (typeof list === "string") throw new Error("expected a child list");
    expect(list.field).toBe("line_items");
    expect(list.table.root).toBe(root);
    expect(stored.tables.items__line_items).toMatchObject({ parent: "items", write_disposition: "replace" });
    expect(Object.keys(stored.tables.items__line_items!.columns)).toEqual([
      "_sluice_parent_id",
      "_sluice_list_idx",
      "_sluice_id",
      "_sluice_root_id",
    ]);
    expect(stored.tables.items!.source_names!.line_items).toBe('["lineItems"]');
  });

  it("refuses a new child table under the tables contract, claiming nothing", () => {
    const { stored, evo, root } = evolution({ schema_contract: { tables: "discard_value" } }, established());
    expect(evo.childListFor(createKeyState(root.node, "tags", 63))).toBe("discard_value");
    expect(stored.tables.items__tags).toBeUndefined();
    expect(stored.tables.items!.source_names).toEqual({ id: '["id"]' });
  });
});

describe("widening", () => {
  it("widens an inferred bigint column to double, but not a hinted one or under a data_type contract", () => {
    const { evo, root } = evolution({ columns: { hinted: { data_type: "bigint" } } });
    const n = createKeyState(root.node, "n", 63);
    const col = evo.columnFor(n, 4);
    const hintedKey = createKeyState(root.node, "hinted", 63);
    const hinted = evo.columnFor(hintedKey, 4);
    if (typeof col === "string" || typeof hinted === "string") throw new Error("expected columns");
    const gen = evo.gen;
    expect(evo.widenToDouble(n, col)).toBe(true);
    expect(col.data_type).toBe("double");
    expect(evo.gen).toBeGreaterThan(gen);
    expect(evo.widenToDouble(hintedKey, hinted)).toBe(false);

    const frozen = evolution({ schema_contract: { data_type: "freeze" } }, established());
    const id = createKeyState(frozen.root.node, "id", 63);
    const idCol = frozen.evo.columnFor(id, 1);
    if (typeof idCol === "string") throw new Error("expected a column");
    expect(frozen.evo.widenToDouble(id, idCol)).toBe(false);
  });
});

describe("rollback", () => {
  it("takes back every change of the current record and keeps those of earlier records", () => {
    const { stored, evo, root } = evolution();
    const kept = createKeyState(root.node, "kept", 63);
    evo.beginRecord();
    evo.columnFor(kept, 1);
    evo.beginRecord();
    const before = structuredClone(stored);
    const n = createKeyState(root.node, "n", 63);
    const col = evo.columnFor(n, 4);
    if (typeof col === "string") throw new Error("expected a column");
    evo.widenToDouble(n, col);
    evo.variantFor(n, col, "text", "x");
    const tags = createKeyState(root.node, "tags", 63);
    evo.childListFor(tags);
    evo.rollback();
    expect(stored).toEqual(before);
    expect(n.column).toBeUndefined();
    expect(n.variants).toEqual({});
    expect(tags.list).toBeUndefined();
    expect(evo.tables.has("items__tags")).toBe(false);
    expect(kept.column?.name).toBe("kept");
  });
});
