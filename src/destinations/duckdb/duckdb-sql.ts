import type { ColumnSchema, DataType } from "../../schema/types.js";
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
};

/**
 * A scan of NDJSON package files with every column typed explicitly, so DuckDB parses the files itself
 * (no sampling, no row-by-row inserts) and a column absent from a file reads as NULL.
 */
export function readNdjsonSql(files: readonly string[], columns: readonly ColumnSchema[]): string {
  const fileList = `[${files.map(quoteLiteral).join(", ")}]`;
  const typed = columns.map(
    (c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckdbType(c.data_type, c.precision, c.scale))}`,
  );
  return `read_json(${fileList}, format = 'newline_delimited', columns = {${typed.join(", ")}})`;
}
