import { describe, expect, it } from "vitest";
import type { DataRecord } from "../../src/core/json.js";
import type { ResourceHints } from "../../src/core/resource.js";
import { Normalizer, SchemaContractError } from "../../src/normalize/index.js";
import type { StoredSchema } from "../../src/schema/types.js";

/** Runs one "package": records → NDJSON lines per table, as the pipeline's normalize stage does. */
function normalizeRun(
  schema: StoredSchema | null,
  resources: Record<string, { hints: ResourceHints; records: DataRecord[] }>,
  loadId: string,
): { schema: StoredSchema; files: Map<string, string[]>; discarded: number } {
  // The stored schema travels as JSON (the `_sluice_version` table), so round-trip it like the pipeline.
  const restored = schema === null ? null : (JSON.parse(JSON.stringify(schema)) as StoredSchema);
  const n = new Normalizer(restored, "github", { maxIdentifierLength: 63 });
  const files = new Map<string, string[]>();
  let discarded = 0;
  for (const [name, { hints, records }] of Object.entries(resources)) {
    n.registerResource(name, hints);
    for (const r of records) {
      const kept = n.normalize(name, r, loadId, (table, row) => {
        let lines = files.get(table);
        if (lines === undefined) {
          lines = [];
          files.set(table, lines);
        }
        lines.push(JSON.stringify(row));
      });
      if (!kept) discarded++;
    }
  }
  return { schema: n.schema(), files, discarded };
}

const issue = (id: number, extra: Record<string, unknown> = {}): DataRecord => ({
  id,
  number: id * 10,
  title: `Issue ${id}`,
  state: "open",
  locked: false,
  createdAt: "2024-05-01T10:00:00+02:00",
  closed_at: null,
  user: { login: "octo", id: 1, siteAdmin: false },
  labels: [
    { name: "bug", color: "f00" },
    { name: "p1", color: "0f0" },
  ],
  assignees: [],
  reactions: { "+1": 2, "-1": 0, totalCount: 2 },
  ...extra,
});

describe("normalizer across runs", () => {
  const hints: ResourceHints = {
    write_disposition: "merge",
    primary_key: "id",
    columns: { body: { data_type: "text", nullable: true } },
  };

  it("produces NDJSON-ready rows, then evolves on the next run and keeps names stable", () => {
    const first = normalizeRun(null, { issues: { hints, records: [issue(1), issue(2)] } }, "100.1");
    expect([...first.files.keys()]).toEqual(["issues", "issues__labels"]);
    const root = JSON.parse(first.files.get("issues")![0]!) as Record<string, unknown>;
    expect(root).toMatchObject({
      id: 1,
      created_at: "2024-05-01T08:00:00Z",
      user__login: "octo",
      user__site_admin: false,
      reactions__x1: 2,
      reactions___1: 0,
      reactions__total_count: 2,
      _sluice_load_id: "100.1",
    });
    const labels = first.files.get("issues__labels")!.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(labels.map((l) => l.name)).toEqual(["bug", "p1", "bug", "p1"]);
    expect(labels[0]!._sluice_root_id).toBe(root._sluice_id);
    const cols = first.schema.tables.issues!.columns;
    expect(cols.body).toMatchObject({ data_type: "text", nullable: true });
    expect(cols.closed_at).toBeUndefined();
    expect(cols.id).toMatchObject({ primary_key: true, nullable: false });
    expect(first.schema.version).toBe(1);

    // Second run: same records again (no change), plus evolution in a later record.
    const same = normalizeRun(first.schema, { issues: { hints, records: [issue(1)] } }, "100.2");
    expect(same.schema.version).toBe(1);
    expect(same.schema.version_hash).toBe(first.schema.version_hash);
    expect(JSON.parse(same.files.get("issues")![0]!)._sluice_id).toBe(root._sluice_id);

    const second = normalizeRun(
      first.schema,
      {
        issues: {
          hints,
          records: [
            issue(3, {
              closed_at: "2024-06-01T00:00:00Z",
              number: 12.5,
              assignees: [{ login: "a" }],
              milestone: { title: "v1" },
            }),
          ],
        },
      },
      "100.3",
    );
    const c2 = second.schema.tables.issues!.columns;
    expect(c2.closed_at!.data_type).toBe("timestamp");
    // An integral column meeting a fractional value widens to double (no variant column).
    expect(c2.number!.data_type).toBe("double");
    expect(c2.number__v_double).toBeUndefined();
    expect(c2.milestone__title!.data_type).toBe("text");
    expect(second.schema.tables.issues__assignees!.parent).toBe("issues");
    expect(second.schema.version).toBe(2);
  });

  it("freezes after the first run when the contract says so", () => {
    const first = normalizeRun(null, { issues: { hints, records: [issue(1)] } }, "1");
    const frozen: ResourceHints = { ...hints, schema_contract: "freeze" };
    const ok = normalizeRun(first.schema, { issues: { hints: frozen, records: [issue(2)] } }, "2");
    expect(ok.files.get("issues")).toHaveLength(1);
    expect(() =>
      normalizeRun(
        first.schema,
        { issues: { hints: frozen, records: [issue(3, { milestone: { title: "v" } })] } },
        "3",
      ),
    ).toThrow(SchemaContractError);
    const dropped = normalizeRun(
      first.schema,
      {
        issues: {
          hints: { ...hints, schema_contract: { columns: "discard_row" } },
          records: [issue(3, { extra: 1 }), issue(4)],
        },
      },
      "4",
    );
    expect(dropped.discarded).toBe(1);
    expect(dropped.files.get("issues")).toHaveLength(1);
    expect(dropped.files.get("issues__labels")).toHaveLength(2);
  });

  it("lets two resources write to one table and keeps their hints apart from their data", () => {
    const run = normalizeRun(
      null,
      {
        openIssues: { hints: { table_name: "Issues" }, records: [issue(1)] },
        closedIssues: { hints: { table_name: "issues" }, records: [issue(2, { state: "closed" })] },
      },
      "9",
    );
    expect(run.files.get("issues")).toHaveLength(2);
    expect(Object.keys(run.schema.tables)).toEqual(["issues", "issues__labels"]);
  });
});
