import type { ColumnSchema, DataType } from "../../schema/types.js";
import { quoteLiteral, type SqlDialect } from "../sql/sql-dialect.js";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are silently truncated by the server, so we never send them. */
export const PG_MAX_IDENTIFIER_LENGTH = 63;

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

export const postgresDialect: SqlDialect = {
  name: "postgres",
  columnType: pgType,
  // ROW(...)::text keeps NULL and '' apart, so different rows hash differently.
  rowHash: (exprs) => `md5(ROW(${exprs.join(", ")})::text)`,
  timestampLiteral: (iso) => `${quoteLiteral(iso)}::timestamptz`,
  // ISO-8601 in UTC, as JavaScript prints a Date.
  timestampText: (expr) => `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  // Staging dedup uses NOT IN subqueries: give them room to hash instead of rescanning per row.
  loadSettingsSql: ["SET LOCAL work_mem = '256MB'"],
  // EXCLUSIVE conflicts with itself and with INSERT, not with SELECT: readers of the load history go on.
  serializeLoadsSql: (loadsTable) => `LOCK TABLE ${loadsTable} IN EXCLUSIVE MODE`,
  dropTablesSql: (targets) => [`DROP TABLE IF EXISTS ${targets.join(", ")} CASCADE`],
};
