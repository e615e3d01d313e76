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

/**
 * Statements that bring an existing table (with `existing` column names, or null when missing) up to
 * `table`: one CREATE, or one ADD COLUMN per new column.
 */
export function migrateTableSql(
  dialect: SqlDialect,
  schema: string,
  table: TableSchema,
  existing: ReadonlySet<string> | null,
): string[] {
  // A table is created once it has columns: a resource that never yielded a row has none yet.
  if (existing === null)
    return Object.keys(table.columns).length === 0 ? [] : [createTableSql(dialect, schema, table)];
  return Object.values(table.columns)
    .filter((c) => !existing.has(c.name))
    .map((c) => addColumnSql(dialect, schema, table.name, c));
}
