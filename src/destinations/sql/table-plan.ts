import { SluiceError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { MergeStrategy, WriteDispositionName } from "../../core/resource.js";
import { VALIDITY_COLUMNS } from "../../core/system-names.js";
import type { PackageTable } from "../../load/package.js";
import { rootTableName } from "../../schema/tree.js";
import type { ColumnSchema, StoredSchema, TableSchema } from "../../schema/types.js";

/** How one root table and its child tables are written in one load. */
export interface TreePlan {
  root: TableSchema;
  /** Child tables, parents before children. Includes children without rows in this package. */
  descendants: TableSchema[];
  disposition: WriteDispositionName;
  strategy: MergeStrategy | undefined;
  primaryKey: string[];
  mergeKey: string[];
  /** scd2 only: [valid_from, valid_to]. */
  validity: readonly [string, string] | undefined;
  /** Tables of the tree that have a package entry (possibly with zero rows), by name. */
  packageTables: Map<string, PackageTable>;
}

/**
 * Groups a package's tables by root table and resolves the effective write disposition. A table whose
 * resource was not extracted in this package is left alone; a delete-insert merge without any key falls
 * back to append, and an upsert without a primary key fails (both as in dlt).
 */
export function planTrees(schema: StoredSchema, tables: readonly PackageTable[], logger: Logger): TreePlan[] {
  const byName = new Map(tables.map((t) => [t.table, t]));
  const roots = new Map<string, PackageTable[]>();
  for (const t of tables) {
    if (schema.tables[t.table] === undefined) continue;
    const root = rootTableName(schema, t.table);
    const list = roots.get(root) ?? [];
    list.push(t);
    roots.set(root, list);
  }
  const plans: TreePlan[] = [];
  for (const [rootName, pkgTables] of roots) {
    const root = schema.tables[rootName];
    if (root === undefined || Object.keys(root.columns).length === 0) continue;
    const descendants = descendantsOf(schema, rootName).filter((d) => Object.keys(d.columns).length > 0);
    const primaryKey = keyColumns(root, "primary_key");
    const mergeKey = keyColumns(root, "merge_key");
    let disposition = root.write_disposition;
    let strategy = disposition === "merge" ? (root.merge_strategy ?? "delete-insert") : undefined;
    // As dlt's load: upsert replaces rows by primary key, and without one there is nothing to match on.
    if (strategy === "upsert" && primaryKey.length === 0)
      throw new SluiceError(`table "${rootName}": merge strategy upsert needs a primary_key`, {
        code: "UPSERT_WITHOUT_PRIMARY_KEY",
        hint: "set primary_key on the resource, or use strategy delete-insert with a merge_key",
      });
    if (strategy === "delete-insert" && primaryKey.length === 0 && mergeKey.length === 0) {
      logger.warn(`table "${rootName}": merge without primary_key or merge_key; appending instead`, {
        table: rootName,
      });
      disposition = "append";
      strategy = undefined;
    }
    plans.push({
      root: strategy === "scd2" ? withValidity(root, VALIDITY_COLUMNS) : root,
      descendants,
      disposition,
      strategy,
      primaryKey,
      mergeKey,
      validity: strategy === "scd2" ? VALIDITY_COLUMNS : undefined,
      packageTables: new Map(pkgTables.map((t) => [t.table, byName.get(t.table) ?? t])),
    });
  }
  return plans;
}

function descendantsOf(schema: StoredSchema, root: string): TableSchema[] {
  const out: TableSchema[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const t of Object.values(schema.tables)) {
      if (t.parent !== undefined && frontier.includes(t.parent)) {
        out.push(t);
        next.push(t.name);
      }
    }
    frontier = next;
  }
  return out;
}

function keyColumns(table: TableSchema, flag: "primary_key" | "merge_key"): string[] {
  return Object.values(table.columns)
    .filter((c) => c[flag] === true)
    .map((c) => c.name);
}

/** The root table as stored: scd2 roots carry the validity range columns the normalizer does not produce. */
export function withValidity(table: TableSchema, validity: readonly [string, string]): TableSchema {
  const columns: Record<string, ColumnSchema> = { ...table.columns };
  for (const name of validity) {
    if (columns[name] === undefined) columns[name] = { name, data_type: "timestamp", nullable: true };
  }
  return { ...table, columns };
}

/** Columns that come from package files (scd2 validity columns are computed at load time). */
export function fileColumns(plan: TreePlan, table: TableSchema): ColumnSchema[] {
  const skip = table.name === plan.root.name && plan.validity !== undefined ? new Set(plan.validity) : null;
  return Object.values(table.columns).filter((c) => skip === null || !skip.has(c.name));
}
