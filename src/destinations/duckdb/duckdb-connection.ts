import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { SluiceError } from "../../core/errors.js";

/** One DuckDB database file and the single connection sluice uses on it (a pipeline runs one load at a time). */
export class DuckdbConnection {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly path: string,
  ) {}

  static async open(path: string, options: Record<string, string> = {}): Promise<DuckdbConnection> {
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, options);
    } catch (err) {
      throw new SluiceError(`Cannot open DuckDB database ${path}: ${(err as Error).message}`, {
        code: "DESTINATION_OPEN",
        hint: "Check that the directory exists and no other process holds the file open for writing.",
        cause: err,
      });
    }
    const connection = await instance.connect();
    return new DuckdbConnection(instance, connection, path);
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
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
