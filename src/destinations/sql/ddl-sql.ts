import type { ColumnSchema, TableSchema } from "../../schema/types.js";
import { qualified, quoteIdent, type SqlDialect } from "./sql-dialect.js";

function columnDefinition(dialect: SqlDialect, column: ColumnSchema, notNull: boolean): string {
  return `${quoteIdent(column.name)} ${dialect.columnType(column)}${notNull ? " NOT NULL" : ""}`;
}

/**
 * Columns the schema marks not nullable (keys, system ids, hinted columns) are NOT NULL, so every
 * destination holds the same guarantee; the normalizer already refuses rows that break it.
 */
export function createTableSql(dialect: SqlDialect, schema: string, table: TableSchema): string {
  const cols = Object.values(table.columns).map((c) => columnDefinition(dialect, c, !c.nullable));
  return `CREATE TABLE IF NOT EXISTS ${qualified(schema, table.name)} (${cols.join(", ")})`;
}

/** Added columns are nullable: the rows already in the table have no value for them. */
export function addColumnSql(
  dialect: SqlDialect,
  schema: string,
  table: string,
  column: ColumnSchema,
): string {
  return `ALTER TABLE ${qualified(schema, table)} ADD COLUMN IF NOT EXISTS ${columnDefinition(dialect, column, false)}`;
}

/** Column name → the destination's type name for it (information_schema `data_type`), of one table. */
export type ExistingColumns = ReadonlyMap<string, string>;

const INTEGER_TYPES = new Set([
  "bigint",
  "integer",
  "smallint",
  "tinyint",
  "hugeint",
  "int8",
  "int4",
  "int2",
]);

/**
 * A column the schema widened from bigint to double (a numeric column that met fractional values): the
 * destination's integer column becomes a double one, every stored integer kept as its double value.
 */
export function widenColumnSql(
  dialect: SqlDialect,
  schema: string,
  table: string,
  column: ColumnSchema,
): string {
  return `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${quoteIdent(column.name)} TYPE ${dialect.columnType(column)}`;
}

function needsWidening(column: ColumnSchema, existingType: string | undefined): boolean {
  return (
    column.data_type === "double" &&
    existingType !== undefined &&
    INTEGER_TYPES.has(existingType.toLowerCase())
  );
}

/**
 * Statements that bring an existing table (with `existing` columns and their types, or null when missing)
 * up to `table`: one CREATE, or one ADD COLUMN per new column and one ALTER per widened column.
 */
export function migrateTableSql(
  dialect: SqlDialect,
  schema: string,
  table: TableSchema,
  existing: ExistingColumns | null,
): string[] {
  // A table is created once it has columns: a resource that never yielded a row has none yet.
  if (existing === null)
    return Object.keys(table.columns).length === 0 ? [] : [createTableSql(dialect, schema, table)];
  const out: string[] = [];
  for (const c of Object.values(table.columns)) {
    if (!existing.has(c.name)) out.push(addColumnSql(dialect, schema, table.name, c));
    else if (needsWidening(c, existing.get(c.name))) out.push(widenColumnSql(dialect, schema, table.name, c));
  }
  return out;
}
