import type { ColumnHint, ResourceHints, resolveWriteDisposition } from "../core/resource.js";
import { normalizePath, shortenIdentifier } from "../schema/naming.js";
import { own, rootTableName } from "../schema/tree.js";
import type { ColumnSchema, DataType, StoredSchema, TableSchema } from "../schema/types.js";

export type ResolvedWriteDisposition = ReturnType<typeof resolveWriteDisposition>;

/**
 * Column hints keyed by normalized name, with primary/merge keys folded in. Keys may be source names
 * (`businessName`) or normalized names (`business_name`, `properties__zip`): both normalize alike.
 */
export function hintMap(hints: ResourceHints, maxLength: number): Map<string, ColumnHint> {
  const map = new Map<string, ColumnHint>();
  const name = (k: string) => shortenIdentifier(normalizePath(k), maxLength);
  for (const [key, hint] of Object.entries(hints.columns ?? {})) {
    const n = name(hint.name ?? key);
    map.set(n, { ...map.get(n), ...hint });
  }
  for (const k of asList(hints.primary_key)) {
    const n = name(k);
    map.set(n, { ...map.get(n), primary_key: true });
  }
  for (const k of asList(hints.merge_key)) {
    const n = name(k);
    map.set(n, { ...map.get(n), merge_key: true });
  }
  return map;
}

/** The primary key's columns, in hint order. */
export function primaryKeyColumns(hints: ReadonlyMap<string, ColumnHint>): string[] {
  const columns: string[] = [];
  for (const [name, h] of hints) if (h.primary_key === true) columns.push(name);
  return columns;
}

/** Writes a resource's table-level hints onto its root table and the child tables under it. */
export function applyTableHints(
  stored: StoredSchema,
  schema: TableSchema,
  resource: string,
  hints: ResourceHints,
  wd: ResolvedWriteDisposition,
): void {
  schema.resource = resource;
  schema.write_disposition = wd.disposition;
  if (wd.strategy !== undefined) schema.merge_strategy = wd.strategy;
  else delete schema.merge_strategy;
  if (hints.schema_contract !== undefined) schema.schema_contract = hints.schema_contract;
  else delete schema.schema_contract;
  if (hints.max_table_nesting !== undefined) schema.max_table_nesting = hints.max_table_nesting;
  else delete schema.max_table_nesting;
  const wdObj = hints.write_disposition;
  if (wd.strategy === "scd2" && typeof wdObj === "object" && wdObj.validity_column_names !== undefined) {
    schema.validity_column_names = [...wdObj.validity_column_names];
  } else delete schema.validity_column_names;
  for (const child of Object.values(stored.tables)) {
    if (child.parent !== undefined && rootTableName(stored, child.name) === schema.name) {
      child.write_disposition = schema.write_disposition;
      child.resource = schema.resource;
    }
  }
}

/** Hinted columns exist before data (when typed); key flags and nullability land on existing columns. */
export function applyColumnHint(schema: TableSchema, name: string, hint: ColumnHint): void {
  const existing = own(schema.columns, name);
  if (existing === undefined) {
    if (hint.data_type !== undefined) schema.columns[name] = columnFromHint(name, hint.data_type, hint);
    return;
  }
  if (hint.primary_key !== undefined) setFlag(existing, "primary_key", hint.primary_key);
  if (hint.merge_key !== undefined) setFlag(existing, "merge_key", hint.merge_key);
  if (hint.nullable !== undefined) existing.nullable = hint.nullable;
  if (hint.precision !== undefined) existing.precision = hint.precision;
  if (hint.scale !== undefined) existing.scale = hint.scale;
}

/** A column shaped by its hint; key columns are not nullable unless the hint says so. */
export function columnFromHint(name: string, dataType: DataType, hint: ColumnHint): ColumnSchema {
  const col: ColumnSchema = {
    name,
    data_type: dataType,
    nullable: hint.nullable ?? !(hint.primary_key === true),
  };
  if (hint.primary_key === true) col.primary_key = true;
  if (hint.merge_key === true) col.merge_key = true;
  if (hint.precision !== undefined) col.precision = hint.precision;
  if (hint.scale !== undefined) col.scale = hint.scale;
  return col;
}

function setFlag(col: ColumnSchema, flag: "primary_key" | "merge_key", on: boolean): void {
  if (on) col[flag] = true;
  else delete col[flag];
}

function asList(k: string | string[] | undefined): string[] {
  if (k === undefined) return [];
  return typeof k === "string" ? [k] : k;
}
