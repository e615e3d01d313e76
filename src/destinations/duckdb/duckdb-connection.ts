import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, StatementType } from "@duckdb/node-api";
import { SluiceError } from "../../core/errors.js";
import type { ReadResult } from "../types.js";

/**
 * How long opening waits for another process to let go of the file: a viewer (the dashboard) holds it
 * read-only for the length of one query, and a run starting at that moment should wait, not fail.
 */
const LOCK_WAIT_MS = 10_000;

/** One DuckDB database file and the single connection sluice uses on it (a pipeline runs one load at a time). */
export class DuckdbConnection {
  /** A second connection for read-only queries: it sees committed data only, whatever the load is doing. */
  private reader: DuckDBConnection | undefined;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(path: string, options: Record<string, string> = {}): Promise<DuckdbConnection> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const instance = await DuckDBInstance.create(path, options);
        return new DuckdbConnection(instance, await instance.connect(), path);
      } catch (err) {
        const message = (err as Error).message;
        if (isLockConflict(message) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        throw new SluiceError(`Cannot open DuckDB database ${path}: ${message}`, {
          code: "DESTINATION_OPEN",
          hint: isLockConflict(message)
            ? "Another process holds the file open (a running sluice run, or a DuckDB shell): let it finish or close it. To look at the data while a run writes, use `sluice dashboard`, which reads through the run."
            : "Check that the directory exists and no other process holds the file open for writing.",
          cause: err,
        });
      }
    }
  }

  /**
   * Runs one read-only statement (SELECT, or EXPLAIN of one) on the reader connection, streaming at most
   * `limit` rows. Anything else is refused before it runs: this is the path viewers' SQL takes.
   */
  async readOnly(
    sql: string,
    params: readonly DuckDBValue[],
    limit: number,
    schema?: string,
  ): Promise<ReadResult> {
    this.reader ??= await this.instance.connect();
    // Unqualified names resolve in the dataset first, so `SELECT * FROM users` works.
    if (schema !== undefined) await this.reader.run(`SET search_path = '${schema.replace(/'/g, "''")},main'`);
    const extracted = await this.reader.extractStatements(sql).catch(queryFailed);
    if (extracted.count !== 1)
      throw new SluiceError(`Expected one SQL statement, got ${extracted.count}`, {
        code: "READ_ONLY_SQL",
        hint: "Run one SELECT at a time.",
      });
    const prepared = await extracted.prepare(0).catch(queryFailed);
    if (prepared.statementType !== StatementType.SELECT && prepared.statementType !== StatementType.EXPLAIN)
      throw new SluiceError("Only SELECT (or EXPLAIN) statements can run here: the data is read-only", {
        code: "READ_ONLY_SQL",
        hint: "Change data through the pipeline (`sluice run`, `sluice pipeline <name> drop`), not through this SQL box.",
      });
    if (params.length > 0) prepared.bind(params as DuckDBValue[]);
    const reader = await prepared.streamAndReadUntil(limit + 1).catch(queryFailed);
    const names = reader.columnNames();
    // JSON is VARCHAR underneath: its alias is the name a reader needs.
    const types = reader.columnTypes().map((t) => t.alias ?? t.toString());
    const rows = reader.getRowObjectsJS() as Record<string, unknown>[];
    return {
      columns: names.map((name, i) => ({ name, data_type: types[i] ?? "" })),
      rows: rows.slice(0, limit),
      truncated: rows.length > limit || !reader.done,
    };
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Rows as plain objects; BIGINT arrives as JS bigint. */
  async query(sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  }

  /** Runs `fn` inside BEGIN/COMMIT; any error rolls the whole transaction back. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run("BEGIN TRANSACTION");
    try {
      const result = await fn();
      await this.connection.run("COMMIT");
      return result;
    } catch (err) {
      try {
        await this.connection.run("ROLLBACK");
      } catch {
        // The original error is the one worth reporting; a failed rollback means DuckDB already aborted.
      }
      throw err;
    }
  }

  close(): void {
    this.reader?.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function isLockConflict(message: string): boolean {
  return /Could not set lock|Conflicting lock/i.test(message);
}

function queryFailed(err: unknown): never {
  throw new SluiceError(`Query failed: ${(err as Error).message}`, {
    code: "QUERY_FAILED",
    hint: "Check the table and column names: `sluice pipeline <name> show` lists them.",
    cause: err,
  });
}
