import { quoteLiteral } from "../sql/sql-dialect.js";
import type { FileColumn } from "../sql/sql-driver.js";
import { duckdbType } from "./duckdb-dialect.js";

/**
 * A scan of NDJSON package files with every column typed explicitly, so DuckDB parses the files itself
 * (no sampling, no row-by-row inserts) and a column absent from a file reads as NULL.
 */
export function readNdjsonSql(files: readonly string[], columns: readonly FileColumn[]): string {
  const fileList = `[${files.map(quoteLiteral).join(", ")}]`;
  const typed = columns.map(
    (c) => `${quoteLiteral(c.name)}: ${quoteLiteral(duckdbType(c.data_type, c.precision, c.scale))}`,
  );
  return `read_json(${fileList}, format = 'newline_delimited', columns = {${typed.join(", ")}})`;
}
