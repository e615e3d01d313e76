import type { ColumnSchema } from "../../schema/types.js";

/**
 * The few things SQL destinations spell differently. The statement builders in this folder and the SQL
 * client take a dialect, so DuckDB and PostgreSQL share the DDL, write-disposition and bookkeeping logic.
 */
export interface SqlDialect {
  readonly name: string;
  /** Column type in DDL, e.g. `BIGINT`, `DECIMAL(38,9)`. */
  columnType(column: Pick<ColumnSchema, "data_type" | "precision" | "scale">): string;
  /** A text hash of a row built from already-quoted column expressions; equal rows give equal hashes. */
  rowHash(columnExprs: readonly string[]): string;
  /** A `timestamp with time zone` literal from an ISO-8601 string. */
  timestampLiteral(iso: string): string;
  /** A `timestamp with time zone` column read back as text, for the load history. */
  timestampText(columnExpr: string): string;
  /** Statements that open a load's transaction (settings the merge statements need). */
  readonly loadSettingsSql: readonly string[];
  /**
   * A statement that makes concurrent loads of one dataset wait for each other (held to the transaction's
   * end), so the load-id check inside the transaction sees a commit that raced it. None where one process
   * owns the database (DuckDB).
   */
  serializeLoadsSql?(loadsTable: string): string;
  /** Statements that drop the given qualified tables, missing ones included, as one step. */
  dropTablesSql(targets: readonly string[]): string[];
}

/** Quotes an identifier so any name (quotes, semicolons, reserved words, unicode) is taken literally. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"` */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A string literal, for the few places a bound parameter cannot be used (DDL, table-function arguments). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
