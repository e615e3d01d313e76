import { VARIANT_INFIX } from "../core/system-names.js";
import type { SchemaVersionRecord } from "../pipeline/state-store.js";
import type { ColumnSchema, StoredSchema, TableSchema } from "../schema/types.js";
import type { ColumnChange, ColumnView, SchemaDiff, SchemaVersionRow, TableView } from "./api-types.js";

export function columnView(c: ColumnSchema): ColumnView {
  return {
    name: c.name,
    data_type: c.data_type,
    nullable: c.nullable,
    ...(c.primary_key ? { primary_key: true } : {}),
    ...(c.merge_key ? { merge_key: true } : {}),
    ...(c.variant ? { variant: true } : {}),
    ...(c.precision === undefined ? {} : { precision: c.precision }),
    ...(c.scale === undefined ? {} : { scale: c.scale }),
  };
}

/** The schema's tables, each parent before its children, with the child names it links to. */
export function tableViews(schema: StoredSchema): TableView[] {
  const tables = Object.values(schema.tables);
  const childrenOf = (name: string) => tables.filter((t) => t.parent === name).map((t) => t.name);
  const out: TableView[] = [];
  const visit = (t: TableSchema) => {
    out.push({
      name: t.name,
      ...(t.parent === undefined ? {} : { parent: t.parent }),
      resource: t.resource,
      write_disposition: t.write_disposition,
      ...(t.merge_strategy === undefined ? {} : { merge_strategy: t.merge_strategy }),
      columns: Object.values(t.columns).map(columnView),
      children: childrenOf(t.name),
    });
    for (const c of tables.filter((x) => x.parent === t.name)) visit(c);
  };
  for (const root of tables.filter((t) => t.parent === undefined || schema.tables[t.parent] === undefined))
    visit(root);
  return out;
}

export function versionRow(
  v: SchemaVersionRecord,
  runOfLoad: (loadId: string) => string | undefined,
): SchemaVersionRow {
  const runId = v.load_id === undefined ? undefined : runOfLoad(v.load_id);
  return {
    version: v.version,
    version_hash: v.version_hash,
    committed_at: v.committed_at,
    ...(v.load_id === undefined ? {} : { load_id: v.load_id }),
    ...(runId === undefined ? {} : { run_id: runId }),
    tables: Object.keys(v.schema.tables).length,
  };
}

const HINTS = ["primary_key", "merge_key", "precision", "scale"] as const;

/**
 * What changed from one schema version to another: tables added and removed, and per column added,
 * removed, variant added (a value that did not fit the column's type), type, nullability and hint changes.
 */
export function schemaDiff(
  from: SchemaVersionRecord,
  to: SchemaVersionRecord,
  history: readonly SchemaVersionRecord[],
  runOfLoad: (loadId: string) => string | undefined,
): SchemaDiff {
  const a = from.schema.tables;
  const b = to.schema.tables;
  const changes: ColumnChange[] = [];
  for (const [name, table] of Object.entries(b)) {
    const before = a[name];
    if (before === undefined) continue;
    for (const [col, c] of Object.entries(table.columns)) {
      const old = before.columns[col];
      if (old === undefined) {
        if (c.variant)
          changes.push({ kind: "variant_added", table: name, column: columnView(c), of: variantOf(col) });
        else changes.push({ kind: "column_added", table: name, column: columnView(c) });
        continue;
      }
      if (old.data_type !== c.data_type)
        changes.push({
          kind: "type_changed",
          table: name,
          column: col,
          from: old.data_type,
          to: c.data_type,
        });
      if (old.nullable !== c.nullable)
        changes.push({
          kind: "nullability_changed",
          table: name,
          column: col,
          from: old.nullable,
          to: c.nullable,
        });
      for (const hint of HINTS)
        if ((old[hint] ?? null) !== (c[hint] ?? null))
          changes.push({
            kind: "hint_changed",
            table: name,
            column: col,
            hint,
            from: old[hint] ?? null,
            to: c[hint] ?? null,
          });
    }
    for (const [col, c] of Object.entries(before.columns))
      if (table.columns[col] === undefined)
        changes.push({ kind: "column_removed", table: name, column: columnView(c) });
  }
  const added = new Set(Object.keys(b).filter((n) => a[n] === undefined));
  const lo = Math.min(from.version, to.version);
  const hi = Math.max(from.version, to.version);
  return {
    from: versionRow(from, runOfLoad),
    to: versionRow(to, runOfLoad),
    tables_added: tableViews(to.schema).filter((t) => added.has(t.name)),
    tables_removed: Object.keys(a).filter((n) => b[n] === undefined),
    changes,
    introduced_by: history
      .filter((v) => v.version > lo && v.version <= hi)
      .map((v) => {
        const row = versionRow(v, runOfLoad);
        return {
          version: row.version,
          committed_at: row.committed_at,
          ...(row.run_id === undefined ? {} : { run_id: row.run_id }),
          ...(row.load_id === undefined ? {} : { load_id: row.load_id }),
        };
      }),
  };
}

/** `price__v_text` is a variant of `price`. */
function variantOf(column: string): string {
  const i = column.lastIndexOf(VARIANT_INFIX);
  return i < 0 ? column : column.slice(0, i);
}
