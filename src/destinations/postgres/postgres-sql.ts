import type { ColumnSchema, DataType } from "../../schema/types.js";
import { createTableSql } from "../sql/ddl-sql.js";
import { quoteIdent, quoteLiteral, type SqlDialect } from "../sql/sql-dialect.js";
import { SYSTEM_TABLE_SCHEMAS } from "../sql/system-tables.js";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server, so we never send them. */
export const PG_MAX_IDENTIFIER_LENGTH = 63;

// Quoting is the same in every SQL destination; it lives with the shared dialect.
export { qualified, quoteIdent, quoteLiteral } from "../sql/sql-dialect.js";

export function pgType(column: Pick<ColumnSchema, "data_type" | "precision" | "scale">): string {
  return pgTypeOf(column.data_type, column.precision, column.scale);
}

function pgTypeOf(type: DataType, precision?: number, scale?: number): string {
  switch (type) {
    case "bigint":
      return "bigint";
    case "double":
      return "double precision";
    case "bool":
      return "boolean";
    case "text":
      return "text";
    case "timestamp":
      return "timestamptz";
    case "date":
      return "date";
    case "json":
      return "jsonb";
    case "decimal":
      // dlt's default when no precision is hinted: wide enough for money and most ids.
      return `numeric(${precision ?? 38},${scale ?? 9})`;
  }
}

/** The dataset schema and the system tables, in the layout every SQL destination shares (`../sql`). */
export function systemTablesSql(schema: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`,
    ...SYSTEM_TABLE_SCHEMAS.map((t) => createTableSql(postgresDialect, schema, t)),
  ];
}

/** What the shared write-disposition builders (`../sql`) need to speak PostgreSQL. */
export const postgresDialect: SqlDialect = {
  name: "postgres",
  columnType: pgType,
  // ROW(...)::text keeps NULL and '' apart, so different rows hash differently.
  rowHash: (exprs) => `md5(ROW(${exprs.join(", ")})::text)`,
  timestampLiteral: (iso) => `${quoteLiteral(iso)}::timestamptz`,
};
