import { describe, expect, it } from "vitest";
import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import type { StoredSchema } from "../schema/types.js";
import { Normalizer } from "./normalizer.js";

type Row = Record<string, unknown>;

function run(
  records: DataRecord[],
  hints: ResourceHints = {},
  schema: StoredSchema | null = null,
  max = 63,
): { n: Normalizer; rows: Map<string, Row[]>; table: string } {
  const n = new Normalizer(schema, "test", { maxIdentifierLength: max });
  const table = n.registerResource("items", hints);
  const rows = new Map<string, Row[]>();
  for (const r of records) {
    n.normalize("items", r, "L1", (t, row) => {
      let list = rows.get(t);
      if (list === undefined) rows.set(t, (list = []));
      list.push(row);
    });
  }
  return { n, rows, table };
}

describe("Normalizer basics", () => {
  it("flattens nested objects and builds child tables with links", () => {
    const { rows, n } = run([
      { id: 1, properties: { country: "DE", geo: { lat: 1.5 } }, tags: ["a", "b"], items: [{ sku: "x" }] },
    ]);
    const root = rows.get("items")![0]!;
    expect(root).toMatchObject({ id: 1, properties__country: "DE", properties__geo__lat: 1.5 });
    expect(root._sluice_load_id).toBe("L1");
    expect(typeof root._sluice_id).toBe("string");
    const tags = rows.get("items__tags")!;
    expect(tags.map((r) => r.value)).toEqual(["a", "b"]);
    expect(tags.map((r) => r._sluice_list_idx)).toEqual([0, 1]);
    for (const t of tags) {
      expect(t._sluice_parent_id).toBe(root._sluice_id);
      expect(t._sluice_root_id).toBe(root._sluice_id);
    }
    expect(rows.get("items__items")![0]).toMatchObject({ sku: "x", _sluice_parent_id: root._sluice_id });
    const schema = n.schema();
    expect(schema.tables.items__tags!.parent).toBe("items");
    expect(schema.tables.items__tags!.columns.value!.data_type).toBe("text");
    expect(schema.version).toBe(1);
  });
});
