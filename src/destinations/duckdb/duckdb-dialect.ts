import type { DataType } from "../../schema/types.js";
import { quoteLiteral, type SqlDialect } from "../sql/sql-dialect.js";

/** DuckDB's identifiers have no practical length limit; this keeps names readable and portable. */
export const DUCKDB_MAX_IDENTIFIER_LENGTH = 255;

export function duckdbType(type: DataType, precision?: number, scale?: number): string {
  switch (type) {
    case "bigint":
      return "BIGINT";
    case "double":
      return "DOUBLE";
    case "bool":
      return "BOOLEAN";
    case "text":
      return "VARCHAR";
    case "timestamp":
      return "TIMESTAMPTZ";
    case "date":
      return "DATE";
    case "json":
      return "JSON";
    case "decimal":
      // dlt's default when no precision is hinted: wide enough for money and most ids.
      return `DECIMAL(${precision ?? 38},${scale ?? 9})`;
  }
}

export const duckdbDialect: SqlDialect = {
  name: "duckdb",
  columnType: (c) => duckdbType(c.data_type, c.precision, c.scale),
  rowHash: (exprs) =>
    `md5(CAST(list_value(${exprs.map((e) => `CAST(${e} AS VARCHAR)`).join(", ")}) AS VARCHAR))`,
  timestampLiteral: (iso) => `CAST(${quoteLiteral(iso)} AS TIMESTAMPTZ)`,
  timestampText: (expr) => `CAST(${expr} AS VARCHAR)`,
  loadSettingsSql: [],
  // DROP TABLE takes one table in DuckDB.
  dropTablesSql: (targets) => targets.map((t) => `DROP TABLE IF EXISTS ${t}`),
};
