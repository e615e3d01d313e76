import type { DuckDBValue } from "@duckdb/node-api";
import type { SluiceError } from "../../core/errors.js";
import type { LoadStep } from "../load-error.js";
import {
  type FileColumn,
  type FileScan,
  type LoadErrorContext,
  type SqlDriver,
  type SqlParam,
  type SqlRow,
  STAGING_ROW,
} from "../sql/sql-driver.js";
import type { ReadResult } from "../types.js";
import { DuckdbConnection } from "./duckdb-connection.js";
import { translateDuckdbError } from "./duckdb-load-error.js";
import { readNdjsonSql } from "./duckdb-ndjson-scan.js";

/** DuckDB through one connection: it reads the package files itself, so nothing is streamed through Node. */
export class DuckdbDriver implements SqlDriver {
  // One process holds the file: no reader waits on this load's locks.
  readonly sharedWithReaders = false;
  private constructor(private readonly conn: DuckdbConnection) {}

  static async open(path: string, config: Record<string, string>): Promise<DuckdbDriver> {
    return new DuckdbDriver(await DuckdbConnection.open(path, config));
  }

  readonly files: FileScan = {
    relation: (files, columns) => readNdjsonSql(files, columns),
  };

  async leaveACore(): Promise<() => Promise<void>> {
    const rows = await this.query("SELECT current_setting('threads') AS threads");
    const threads = Number(rows[0]?.["threads"] ?? 1);
    // On 2 cores DuckDB's threads and the normalizer otherwise fight over both: measured, the whole run
    // is faster with DuckDB on one thread while extraction runs (bench:load, README).
    if (!(threads > 1)) return async () => {};
    await this.run(`SET threads = ${threads - 1}`);
    return async () => this.run(`SET threads = ${threads}`);
  }

  async run(sql: string, params?: readonly SqlParam[]): Promise<void> {
    await this.conn.run(sql, params as DuckDBValue[] | undefined);
  }

  async query(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    const rows = await this.conn.query(sql, params as DuckDBValue[] | undefined);
    for (const row of rows) withoutBigints(row);
    return rows;
  }

  async readOnly(
    sql: string,
    params: readonly SqlParam[],
    limit: number,
    schema?: string,
  ): Promise<ReadResult> {
    return this.conn.readOnly(sql, params as DuckDBValue[], limit, schema);
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return this.conn.transaction(fn);
  }

  async stage(
    stage: string,
    _target: string,
    columns: readonly FileColumn[],
    files: readonly string[],
  ): Promise<void> {
    await this.conn.run(
      `CREATE TEMP TABLE ${stage} AS SELECT * FROM ${readNdjsonSql(files, [...columns, STAGING_ROW])}`,
    );
  }

  async dropStaging(stages: readonly string[]): Promise<void> {
    for (const stage of stages) await this.conn.run(`DROP TABLE ${stage}`);
  }

  loadError(err: unknown, ctx: LoadErrorContext, step: LoadStep): SluiceError {
    return translateDuckdbError(err, ctx, step);
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}

/** BIGINT arrives as JS bigint: a number as the other destinations return it, its digits when beyond 2^53. */
function withoutBigints(row: SqlRow): void {
  for (const k in row) {
    const v = row[k];
    if (typeof v === "bigint") row[k] = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  }
}
