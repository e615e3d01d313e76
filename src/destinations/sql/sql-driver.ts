import type { SluiceError } from "../../core/errors.js";
import { STAGING_ROW_COLUMN } from "../../load/package.js";
import type { ColumnSchema, StoredSchema } from "../../schema/types.js";
import type { LoadStep } from "../load-error.js";
import type { ReadResult } from "../types.js";

/** A bound statement parameter. */
export type SqlParam = string | number | boolean | null;

/** A result row. Integers arrive as numbers (as strings beyond 2^53), never as bigint. */
export type SqlRow = Record<string, unknown>;

/** A column of the package files, as the bulk paths read it. */
export type FileColumn = Pick<ColumnSchema, "name" | "data_type" | "precision" | "scale">;

/** The column every staging table adds: the record's sequence in the package, so a merge keeps the last record. */
export const STAGING_ROW: FileColumn = { name: STAGING_ROW_COLUMN, data_type: "bigint" };

/** What a refused load was, for the driver's error translator. */
export interface LoadErrorContext {
  loadId: string;
  dataset: string;
  schema: StoredSchema;
}

/**
 * The database reads the NDJSON package files itself (DuckDB's read_json): the files are a relation that
 * append and replace insert from in one statement per table.
 */
export interface FileScan {
  relation(files: readonly string[], columns: readonly FileColumn[]): string;
}

/**
 * The rows are sent to the database (PostgreSQL's COPY): append and replace copy them straight into their
 * tables, a replaced tree being emptied first.
 */
export interface FileCopy {
  copy(target: string, columns: readonly FileColumn[], files: readonly string[]): Promise<void>;
  /** Empties the tables of a tree this load replaces (given root first). */
  empty(targets: readonly string[]): Promise<void>;
}

/**
 * One connection to a SQL database, as the shared SQL client (`sql-client.ts`) uses it: statements, a
 * transaction, and the bulk paths that bring package files in. Everything a database does its own way for
 * speed is here; the bookkeeping written on top of it is the same for every SQL destination.
 */
export interface SqlDriver {
  run(sql: string, params?: readonly SqlParam[]): Promise<void>;
  /**
   * One read-only statement, at most `limit` rows; anything that would write is refused before it runs.
   * Unqualified table names resolve in `schema` first.
   */
  readOnly(sql: string, params: readonly SqlParam[], limit: number, schema?: string): Promise<ReadResult>;
  query(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
  /** Runs `fn` inside BEGIN/COMMIT; any error rolls the whole transaction back. */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  /** How append and replace bring package files in. */
  readonly files: FileScan | FileCopy;
  /**
   * Other sessions read the dataset while a load runs (a server database): a load held open during
   * extraction must then not take a lock that blocks them (ALTER TABLE, emptying a table) until the end.
   */
  readonly sharedWithReaders: boolean;
  /**
   * An embedded database working beside an extraction: leaves a core to the extraction's JavaScript
   * while files load during it, and resolves to what takes the core back (before the final statements).
   * Absent for a server database, which runs on its own cores.
   */
  leaveACore?(): Promise<() => Promise<void>>;
  /**
   * Fills temporary table `stage` from package files for a merge: `target`'s file columns plus
   * `STAGING_ROW`. It lives until `dropStaging` or the end of the transaction.
   */
  stage(
    stage: string,
    target: string,
    columns: readonly FileColumn[],
    files: readonly string[],
  ): Promise<void>;
  /** Drops a load's staging tables before it commits, where the database does not drop them at commit. */
  dropStaging(stages: readonly string[]): Promise<void>;
  /** The database's refusal of a load as sluice's error, naming what `step` was writing. */
  loadError(err: unknown, ctx: LoadErrorContext, step: LoadStep): SluiceError;
  close(): Promise<void>;
}

export function scansFiles(files: FileScan | FileCopy): files is FileScan {
  return "relation" in files;
}
