import { describe, expect, it } from "vitest";
import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import { resolveContract } from "../schema/contract.js";
import type { StoredSchema } from "../schema/types.js";
import { RecordFlattener } from "./record-flattener.js";
import { SchemaEvolution } from "./schema-evolution.js";
import { SchemaVersions } from "./schema-versions.js";

function flattener(hints: ResourceHints = {}, tables: StoredSchema["tables"] = {}) {
  const stored: StoredSchema = { name: "s", version: 0, version_hash: "", tables };
  const evo = new SchemaEvolution(stored, new SchemaVersions(stored), 63);
  const root = evo.openRootTable("items", "items", hints, resolveContract(hints.schema_contract))!;
  const f = new RecordFlattener(evo, 63);
  const rows = (record: DataRecord): [string, Record<string, unknown>][] | false => {
    if (!f.flattenRecord(root, record, "L")) return false;
    const out: [string, Record<string, unknown>][] = [];
    for (let i = 0; i < f.rows.length; i++) out.push([f.rows.tables[i]!.name, f.rows.rows[i]!]);
    return out;
  };
  return { rows, stored };
}

describe("RecordFlattener", () => {
  it("writes the root row first, then list rows depth first, with their links", () => {
    const { rows } = flattener();
    const out = rows({ a: { b: 1 }, l: [{ x: 1, m: [5] }, { x: 2 }], s: ["t"] });
    if (out === false) throw new Error("kept expected");
    expect(out.map(([t]) => t)).toEqual(["items", "items__l", "items__l__m", "items__l", "items__s"]);
    const [root, l0, m0, l1, s0] = out.map(([, r]) => r);
    expect(root).toMatchObject({ _sluice_load_id: "L", a__b: 1 });
    expect(Object.keys(root!).slice(0, 2)).toEqual(["_sluice_load_id", "_sluice_id"]);
    expect(l0).toMatchObject({ x: 1, _sluice_parent_id: root!._sluice_id, _sluice_list_idx: 0 });
    expect(m0).toMatchObject({
      value: 5,
      _sluice_parent_id: l0!._sluice_id,
      _sluice_root_id: root!._sluice_id,
    });
    expect(l1!._sluice_id).toBe(`${root!._sluice_id}.l.1`);
    expect(s0).toMatchObject({ value: "t" });
  });

  it("stores values of a column's own type as they are and converts or diverts the others", () => {
    const { rows, stored } = flattener();
    const first = { t: "x", n: 1, d: 1.5, b: true, ts: "2024-05-01T10:00:00+02:00", day: "2024-05-01" };
    rows(first);
    const out = rows({ t: 2, n: "3", d: "n/a", b: "true", ts: "2024-05-02", day: "soon" });
    if (out === false) throw new Error("kept expected");
    expect(out[0]![1]).toMatchObject({
      t: "2",
      n: 3,
      d__v_text: "n/a",
      b: true,
      ts: "2024-05-02T00:00:00Z",
      day__v_text: "soon",
    });
    const again = rows(first);
    if (again === false) throw new Error("kept expected");
    expect(again[0]![1]).toMatchObject({ ...first, ts: "2024-05-01T08:00:00Z" });
    expect(stored.tables.items!.columns.n!.data_type).toBe("bigint");
  });

  it("fills slots of a record's rows anew for each record", () => {
    const { rows } = flattener();
    rows({ l: [1, 2, 3] });
    const out = rows({ v: 1 });
    if (out === false) throw new Error("kept expected");
    expect(out.map(([t]) => t)).toEqual(["items"]);
  });

  it("returns false when a discard_row contract drops the record, wherever the change is met", () => {
    const established: StoredSchema["tables"] = {
      items: {
        name: "items",
        resource: "items",
        write_disposition: "append",
        seen_data: true,
        columns: { id: { name: "id", data_type: "bigint", nullable: true } },
      },
    };
    const columns = flattener({ schema_contract: { columns: "discard_row" } }, established);
    expect(columns.rows({ id: 1, deep: { extra: 1 } })).toBe(false);
    const types = flattener({ schema_contract: { data_type: "discard_row" } }, structuredClone(established));
    expect(types.rows({ id: "x" })).toBe(false);
    const tables = flattener({ schema_contract: { tables: "discard_row" } }, structuredClone(established));
    expect(tables.rows({ id: 1, l: [1] })).toBe(false);
    const values = flattener({ schema_contract: { tables: "discard_value" } }, structuredClone(established));
    const kept = values.rows({ id: 1, l: [1] });
    if (kept === false) throw new Error("kept expected");
    expect(kept.map(([t]) => t)).toEqual(["items"]);
  });

  it("refuses a record without a required value", () => {
    const { rows } = flattener({ primary_key: "id", write_disposition: "merge" });
    expect(() => rows({ name: "x" })).toThrow(/no value for primary key column "id"/);
  });
});
