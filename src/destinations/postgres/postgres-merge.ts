import { qualified, quoteIdent, quoteLiteral } from "./postgres-sql.js";

/**
 * SQL for the write dispositions that go through staging tables. Every function returns plain statements
 * that run inside the package's one transaction; names arrive unquoted and are quoted here.
 */

export const STAGE_SEQ = "_sluice_stage_seq";
export const SCD2_FROM = "_sluice_valid_from";
export const SCD2_TO = "_sluice_valid_to";
export const ID_COLUMN = "_sluice_id";
export const ROOT_ID_COLUMN = "_sluice_root_id";
export const PARENT_ID_COLUMN = "_sluice_parent_id";
/** Columns that describe how a row was loaded rather than what it says: excluded from scd2 row hashes. */
export const SYSTEM_COLUMNS = new Set([
  "_sluice_load_id",
  ID_COLUMN,
  PARENT_ID_COLUMN,
  "_sluice_list_idx",
  ROOT_ID_COLUMN,
  SCD2_FROM,
  SCD2_TO,
]);

/** A temporary staging table shaped like the target plus a sequence that records file order. */
export function createStagingSql(stage: string, schema: string, table: string): string[] {
  return [
    `CREATE TEMP TABLE ${quoteIdent(stage)} (LIKE ${qualified(schema, table)}) ON COMMIT DROP`,
    `ALTER TABLE ${quoteIdent(stage)} ADD COLUMN ${quoteIdent(STAGE_SEQ)} bigint GENERATED ALWAYS AS IDENTITY`,
  ];
}

function eqAll(a: string, b: string, cols: readonly string[]): string {
  return cols.map((c) => `${a}.${quoteIdent(c)} = ${b}.${quoteIdent(c)}`).join(" AND ");
}

/** Keeps only the last staged row per key (merge deduplicates within a load, last record wins). */
export function dedupStagingSql(stage: string, key: readonly string[]): string {
  const s = quoteIdent(stage);
  return `DELETE FROM ${s} a USING ${s} b WHERE ${eqAll("a", "b", key)} AND a.${quoteIdent(STAGE_SEQ)} < b.${quoteIdent(STAGE_SEQ)}`;
}

/** Drops staged child rows whose root row was deduplicated away. */
export function pruneOrphanChildrenSql(childStage: string, rootStage: string, link: string): string {
  return `DELETE FROM ${quoteIdent(childStage)} c WHERE NOT EXISTS (SELECT 1 FROM ${quoteIdent(rootStage)} r WHERE r.${quoteIdent(ID_COLUMN)} = c.${quoteIdent(link)})`;
}

/** Condition true for a target row `t` whose keys match a staged row: primary key OR merge key (dlt's rule). */
export function matchCondition(rootStage: string, keyGroups: ReadonlyArray<readonly string[]>): string {
  const groups = keyGroups.filter((g) => g.length > 0).map((g) => `(${eqAll("t", "s", g)})`);
  return `EXISTS (SELECT 1 FROM ${quoteIdent(rootStage)} s WHERE ${groups.join(" OR ")})`;
}

/** Deletes target child rows that belong to target root rows about to be replaced. */
export function deleteChildrenSql(
  schema: string,
  child: string,
  link: string,
  root: string,
  match: string,
): string {
  return `DELETE FROM ${qualified(schema, child)} c WHERE c.${quoteIdent(link)} IN (SELECT t.${quoteIdent(ID_COLUMN)} FROM ${qualified(schema, root)} t WHERE ${match})`;
}

export function deleteMatchedSql(schema: string, root: string, match: string): string {
  return `DELETE FROM ${qualified(schema, root)} t WHERE ${match}`;
}

export function insertFromStagingSql(
  schema: string,
  table: string,
  stage: string,
  columns: readonly string[],
): string {
  const list = columns.map(quoteIdent).join(", ");
  return `INSERT INTO ${qualified(schema, table)} (${list}) SELECT ${list} FROM ${quoteIdent(stage)} ORDER BY ${quoteIdent(STAGE_SEQ)}`;
}

/** Upsert: update rows whose primary key exists, then insert the rest. */
export function upsertSql(
  schema: string,
  root: string,
  stage: string,
  columns: readonly string[],
  primaryKey: readonly string[],
): string[] {
  const target = qualified(schema, root);
  const s = quoteIdent(stage);
  const sets = columns.map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(", ");
  const list = columns.map(quoteIdent).join(", ");
  const sList = columns.map((c) => `s.${quoteIdent(c)}`).join(", ");
  return [
    `UPDATE ${target} t SET ${sets} FROM ${s} s WHERE ${eqAll("t", "s", primaryKey)}`,
    `INSERT INTO ${target} (${list}) SELECT ${sList} FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE ${eqAll("t", "s", primaryKey)}) ORDER BY s.${quoteIdent(STAGE_SEQ)}`,
  ];
}

/** Content hash of a row over its data columns, identical for target and staging rows in one session. */
function rowHash(alias: string, dataColumns: readonly string[]): string {
  return `md5(ROW(${dataColumns.map((c) => `${alias}.${quoteIdent(c)}`).join(", ")})::text)`;
}

/**
 * scd2: active target rows whose content is not in the load are closed (`valid_to = at`), optionally only
 * within the merge keys present in the load; staged rows whose content is not active are inserted as new
 * versions. `newIds` collects the `_sluice_id`s of inserted roots so their child rows can follow.
 */
export function scd2Sql(opts: {
  schema: string;
  root: string;
  stage: string;
  newIds: string;
  dataColumns: readonly string[];
  insertColumns: readonly string[];
  mergeKey: readonly string[];
  at: string;
}): string[] {
  const target = qualified(opts.schema, opts.root);
  const s = quoteIdent(opts.stage);
  const from = quoteIdent(SCD2_FROM);
  const to = quoteIdent(SCD2_TO);
  const ht = rowHash("t", opts.dataColumns);
  const hs = rowHash("s", opts.dataColumns);
  const hb = rowHash("b", opts.dataColumns);
  const scope =
    opts.mergeKey.length > 0
      ? ` AND EXISTS (SELECT 1 FROM ${s} s WHERE ${eqAll("t", "s", opts.mergeKey)})`
      : "";
  const list = opts.insertColumns.map(quoteIdent).join(", ");
  const sList = opts.insertColumns.map((c) => `s.${quoteIdent(c)}`).join(", ");
  const at = `${quoteLiteral(opts.at)}::timestamptz`;
  return [
    `DELETE FROM ${s} s USING ${s} b WHERE ${hs} = ${hb} AND s.${quoteIdent(STAGE_SEQ)} < b.${quoteIdent(STAGE_SEQ)}`,
    `UPDATE ${target} t SET ${to} = ${at} WHERE t.${to} IS NULL AND NOT EXISTS (SELECT 1 FROM ${s} s WHERE ${hs} = ${ht})${scope}`,
    `CREATE TEMP TABLE ${quoteIdent(opts.newIds)} ON COMMIT DROP AS SELECT s.${quoteIdent(ID_COLUMN)} AS id FROM ${s} s WHERE NOT EXISTS (SELECT 1 FROM ${target} t WHERE t.${to} IS NULL AND ${ht} = ${hs})`,
    `INSERT INTO ${target} (${list}, ${from}, ${to}) SELECT ${sList}, ${at}, NULL FROM ${s} s WHERE s.${quoteIdent(ID_COLUMN)} IN (SELECT id FROM ${quoteIdent(opts.newIds)}) ORDER BY s.${quoteIdent(STAGE_SEQ)}`,
  ];
}

/** Child rows of scd2 roots follow only the root versions that were inserted. */
export function insertScd2ChildrenSql(
  schema: string,
  child: string,
  stage: string,
  link: string,
  newIds: string,
  columns: readonly string[],
): string {
  const list = columns.map(quoteIdent).join(", ");
  return `INSERT INTO ${qualified(schema, child)} (${list}) SELECT ${list} FROM ${quoteIdent(stage)} WHERE ${quoteIdent(link)} IN (SELECT id FROM ${quoteIdent(newIds)}) ORDER BY ${quoteIdent(STAGE_SEQ)}`;
}
