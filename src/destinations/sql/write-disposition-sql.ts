import { isSystemColumn, SYSTEM_COLUMNS } from "../../core/system-names.js";
import { STAGING_ROW_COLUMN } from "../../load/package.js";
import type { TableSchema } from "../../schema/types.js";
import { quoteIdent, quoteLiteral, type SqlDialect } from "./sql-dialect.js";
import { fileColumns, type TreePlan } from "./table-plan.js";

/** Where the statements read and write. */
export interface DispositionTargets {
  /** Qualified target table. */
  target(table: string): string;
  /**
   * The rows of `table` in this package: a staging table, or (append/replace only) any relation such as a
   * file scan. Null when the package holds no rows for it. Merge relations must be mutable tables that
   * carry the `_sluice_rec` column from the package files (record sequence) so dedup keeps the last record.
   */
  source(table: string): string | null;
  loadId: string;
  /** Load time, ISO-8601: scd2 validity boundaries. */
  loadTime: string;
}

/** Merge strategies read each staging relation several times and delete from it. */
export function needsStaging(plan: TreePlan): boolean {
  return plan.disposition === "merge";
}

/** The statements that apply one tree's write disposition, in order, to run inside the load transaction. */
export function dispositionStatements(plan: TreePlan, dialect: SqlDialect, t: DispositionTargets): string[] {
  if (plan.disposition === "append") return insertAll(plan, t);
  if (plan.disposition === "replace") {
    // Children first: a replaced root never leaves children behind, even children absent from this package.
    const deletes = [...plan.descendants].reverse().map((d) => `DELETE FROM ${t.target(d.name)}`);
    return [...deletes, `DELETE FROM ${t.target(plan.root.name)}`, ...insertAll(plan, t)];
  }
  switch (plan.strategy) {
    case "scd2":
      return scd2(plan, dialect, t);
    case "upsert":
      return upsert(plan, t);
    default:
      return deleteInsert(plan, t);
  }
}

function cols(table: TableSchema, plan: TreePlan): string[] {
  return fileColumns(plan, table).map((c) => quoteIdent(c.name));
}

function insert(t: DispositionTargets, plan: TreePlan, table: TableSchema, from: string, where = ""): string {
  const c = cols(table, plan);
  const selected = c.map((x) => `s.${x}`).join(", ");
  return `INSERT INTO ${t.target(table.name)} (${c.join(", ")}) SELECT ${selected} FROM ${from} AS s${where ? ` WHERE ${where}` : ""}`;
}

function insertAll(plan: TreePlan, t: DispositionTargets): string[] {
  const out: string[] = [];
  for (const table of [plan.root, ...plan.descendants]) {
    const src = t.source(table.name);
    if (src !== null) out.push(insert(t, plan, table, src));
  }
  return out;
}

function match(keys: readonly string[], a: string, b: string): string {
  return keys.map((k) => `${a}.${quoteIdent(k)} = ${b}.${quoteIdent(k)}`).join(" AND ");
}

/** Rows of the root target `t` that this load replaces: same primary key or same merge key as a staged row. */
function replacedRootCondition(plan: TreePlan, staging: string): string {
  const parts: string[] = [];
  if (plan.primaryKey.length > 0)
    parts.push(`EXISTS (SELECT 1 FROM ${staging} AS s WHERE ${match(plan.primaryKey, "s", "t")})`);
  if (plan.mergeKey.length > 0)
    parts.push(`EXISTS (SELECT 1 FROM ${staging} AS s WHERE ${match(plan.mergeKey, "s", "t")})`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(" OR ")})`;
}

/** Keeps the last staged record per primary key, and drops staged children of the records dropped. */
function dedupStaging(plan: TreePlan, t: DispositionTargets, rootStaging: string): string[] {
  if (plan.primaryKey.length === 0) return [];
  const pk = plan.primaryKey.map(quoteIdent).join(", ");
  const row = quoteIdent(STAGING_ROW_COLUMN);
  const out = [
    `DELETE FROM ${rootStaging} WHERE ${row} NOT IN (SELECT max(${row}) FROM ${rootStaging} GROUP BY ${pk})`,
  ];
  for (const d of plan.descendants) {
    const src = t.source(d.name);
    if (src !== null)
      out.push(
        `DELETE FROM ${src} WHERE ${quoteIdent(STAGING_ROW_COLUMN)} NOT IN (SELECT ${quoteIdent(STAGING_ROW_COLUMN)} FROM ${rootStaging})`,
      );
  }
  return out;
}

/** Deletes the children of every target root row the load replaces (children carry `_sluice_root_id`). */
function deleteReplacedChildren(plan: TreePlan, t: DispositionTargets, rootStaging: string): string[] {
  const root = t.target(plan.root.name);
  return [...plan.descendants]
    .reverse()
    .map(
      (d) =>
        `DELETE FROM ${t.target(d.name)} WHERE ${quoteIdent(SYSTEM_COLUMNS.rootId)} IN (SELECT t.${quoteIdent(SYSTEM_COLUMNS.id)} FROM ${root} AS t WHERE ${replacedRootCondition(plan, rootStaging)})`,
    );
}

function deleteInsert(plan: TreePlan, t: DispositionTargets): string[] {
  const rootStaging = t.source(plan.root.name);
  if (rootStaging === null) return insertAll(plan, t);
  const root = t.target(plan.root.name);
  return [
    ...dedupStaging(plan, t, rootStaging),
    ...deleteReplacedChildren(plan, t, rootStaging),
    `DELETE FROM ${root} AS t WHERE ${replacedRootCondition(plan, rootStaging)}`,
    ...insertAll(plan, t),
  ];
}

function upsert(plan: TreePlan, t: DispositionTargets): string[] {
  const rootStaging = t.source(plan.root.name);
  if (rootStaging === null) return insertAll(plan, t);
  const root = t.target(plan.root.name);
  const pkSet = new Set(plan.primaryKey);
  const assignments = cols(plan.root, plan)
    .filter((_, i) => !pkSet.has(fileColumns(plan, plan.root)[i]!.name))
    .map((c) => `${c} = s.${c}`);
  const out = [...dedupStaging(plan, t, rootStaging), ...deleteReplacedChildren(plan, t, rootStaging)];
  if (assignments.length > 0)
    out.push(
      `UPDATE ${root} AS t SET ${assignments.join(", ")} FROM ${rootStaging} AS s WHERE ${match(plan.primaryKey, "s", "t")}`,
    );
  const absent = `NOT EXISTS (SELECT 1 FROM ${root} AS t WHERE ${match(plan.primaryKey, "s", "t")})`;
  out.push(insert(t, plan, plan.root, rootStaging, absent));
  for (const d of plan.descendants) {
    const src = t.source(d.name);
    if (src !== null) out.push(insert(t, plan, d, src));
  }
  return out;
}

/**
 * scd2: a record's version is the hash of its data columns. Active versions absent from this load are
 * retired (scoped to the merge keys present in the load when a merge_key is set); new versions are
 * inserted as active; children are inserted for the new versions only and never deleted (they are history).
 */
function scd2(plan: TreePlan, dialect: SqlDialect, t: DispositionTargets): string[] {
  const [fromCol, toCol] = plan.validity!;
  const rootStaging = t.source(plan.root.name);
  const root = t.target(plan.root.name);
  const dataCols = fileColumns(plan, plan.root)
    .map((c) => c.name)
    .filter((c) => !isSystemColumn(c));
  const hash = (alias: string) => dialect.rowHash(dataCols.map((c) => `${alias}.${quoteIdent(c)}`));
  const now = dialect.timestampLiteral(t.loadTime);
  const vFrom = quoteIdent(fromCol);
  const vTo = quoteIdent(toCol);
  const out: string[] = [];
  if (rootStaging === null) {
    // A full extract that returned nothing retires every active version (unless scoped by merge key).
    if (plan.mergeKey.length === 0) out.push(`UPDATE ${root} SET ${vTo} = ${now} WHERE ${vTo} IS NULL`);
    return out;
  }
  const row = quoteIdent(STAGING_ROW_COLUMN);
  out.push(
    `DELETE FROM ${rootStaging} WHERE ${row} NOT IN (SELECT max(s.${row}) FROM ${rootStaging} AS s GROUP BY ${hash("s")})`,
  );
  for (const d of plan.descendants) {
    const src = t.source(d.name);
    if (src !== null)
      out.push(
        `DELETE FROM ${src} WHERE ${quoteIdent(STAGING_ROW_COLUMN)} NOT IN (SELECT ${quoteIdent(STAGING_ROW_COLUMN)} FROM ${rootStaging})`,
      );
  }
  const scope =
    plan.mergeKey.length > 0
      ? ` AND EXISTS (SELECT 1 FROM ${rootStaging} AS s WHERE ${match(plan.mergeKey, "s", "t")})`
      : "";
  out.push(
    `UPDATE ${root} AS t SET ${vTo} = ${now} WHERE t.${vTo} IS NULL${scope} AND NOT EXISTS (SELECT 1 FROM ${rootStaging} AS s WHERE ${hash("s")} = ${hash("t")})`,
  );
  const c = cols(plan.root, plan);
  out.push(
    `INSERT INTO ${root} (${c.join(", ")}, ${vFrom}, ${vTo}) SELECT ${c.map((x) => `s.${x}`).join(", ")}, ${now}, NULL FROM ${rootStaging} AS s WHERE NOT EXISTS (SELECT 1 FROM ${root} AS t WHERE t.${vTo} IS NULL AND ${hash("t")} = ${hash("s")})`,
  );
  const inserted = `(SELECT r.${quoteIdent(SYSTEM_COLUMNS.id)} FROM ${root} AS r WHERE r.${quoteIdent(SYSTEM_COLUMNS.loadId)} = ${quoteLiteral(t.loadId)})`;
  for (const d of plan.descendants) {
    const src = t.source(d.name);
    if (src !== null)
      out.push(insert(t, plan, d, src, `s.${quoteIdent(SYSTEM_COLUMNS.rootId)} IN ${inserted}`));
  }
  return out;
}
