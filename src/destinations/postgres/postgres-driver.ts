import type pg from "pg";
import type { SluiceError } from "../../core/errors.js";
import { SluiceError as ReadError } from "../../core/errors.js";
import type { LoadStep } from "../load-error.js";
import { quoteIdent } from "../sql/sql-dialect.js";
import {
  type FileColumn,
  type FileCopy,
  type LoadErrorContext,
  type SqlDriver,
  type SqlParam,
  type SqlRow,
  STAGING_ROW,
} from "../sql/sql-driver.js";
import type { ReadResult } from "../types.js";
import { inTransaction, openConnection, type PostgresCredentials } from "./postgres-connection.js";
import { copyNdjsonFiles } from "./postgres-copy-stream.js";
import { translatePostgresError } from "./postgres-load-error.js";

/** PostgreSQL through one connection (a package loads in one transaction on one connection). */
export class PostgresDriver implements SqlDriver {
  readonly sharedWithReaders = true;
  private constructor(private readonly client: pg.Client) {}

  static async open(credentials: PostgresCredentials): Promise<PostgresDriver> {
    return new PostgresDriver(await openConnection(credentials));
  }

  readonly files: FileCopy = {
    copy: async (target, columns, files) => {
      await copyNdjsonFiles(this.client, target, columns, files);
    },
    // TRUNCATE is transactional in PostgreSQL and, unlike DELETE, does not scan the old rows.
    empty: async (targets) => {
      await this.client.query(`TRUNCATE ${targets.join(", ")}`);
    },
  };

  async run(sql: string, params?: readonly SqlParam[]): Promise<void> {
    await this.client.query(sql, params as SqlParam[] | undefined);
  }

  async query(sql: string, params?: readonly SqlParam[]): Promise<SqlRow[]> {
    return (await this.client.query(sql, params as SqlParam[] | undefined)).rows as SqlRow[];
  }

  /**
   * In a READ ONLY transaction with a statement timeout, through a cursor: PostgreSQL itself refuses a
   * write, `DECLARE … CURSOR FOR` takes one query only, and no more than `limit` + 1 rows are fetched.
   */
  async readOnly(
    sql: string,
    params: readonly SqlParam[],
    limit: number,
    schema?: string,
  ): Promise<ReadResult> {
    const text = sql.trim().replace(/;\s*$/, "");
    await this.client.query("BEGIN TRANSACTION READ ONLY");
    try {
      await this.client.query("SET LOCAL statement_timeout = '30s'");
      // Unqualified names resolve in the dataset first, so `SELECT * FROM users` works.
      if (schema !== undefined)
        await this.client.query(`SET LOCAL search_path TO ${quoteIdent(schema)}, public`);
      // Extended protocol even without parameters: the simple one would run `a; b` as two statements.
      const declare = {
        text: `DECLARE sluice_read NO SCROLL CURSOR FOR ${text}`,
        values: [...params],
        queryMode: "extended",
      };
      await this.client.query(declare as pg.QueryConfig);
      const result = await this.client.query(`FETCH ${Math.max(0, Math.floor(limit)) + 1} FROM sluice_read`);
      const types = await this.typeNames(result.fields.map((f) => f.dataTypeID));
      return {
        columns: result.fields.map((f) => ({ name: f.name, data_type: types.get(f.dataTypeID) ?? "" })),
        rows: (result.rows as SqlRow[]).slice(0, limit),
        truncated: result.rows.length > limit,
      };
    } catch (err) {
      throw new ReadError(`Query failed: ${(err as Error).message}`, {
        code: "QUERY_FAILED",
        hint: "One SELECT at a time; the data is read-only here (change it through `sluice run` or `sluice pipeline <name> drop`).",
        cause: err,
      });
    } finally {
      await this.client.query("ROLLBACK").catch(() => {});
    }
  }

  private async typeNames(oids: number[]): Promise<Map<number, string>> {
    const unique = [...new Set(oids)];
    if (unique.length === 0) return new Map();
    const rows = await this.client.query(
      "SELECT oid::int AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])",
      [unique],
    );
    return new Map(rows.rows.map((r: { oid: number; name: string }) => [Number(r.oid), r.name]));
  }

  transaction<T>(fn: () => Promise<T>): Promise<T> {
    return inTransaction(this.client, fn);
  }

  async stage(
    stage: string,
    target: string,
    columns: readonly FileColumn[],
    files: readonly string[],
  ): Promise<void> {
    await this.client.query(`CREATE TEMP TABLE ${stage} (LIKE ${target}) ON COMMIT DROP`);
    await this.client.query(`ALTER TABLE ${stage} ADD COLUMN ${quoteIdent(STAGING_ROW.name)} bigint`);
    await copyNdjsonFiles(this.client, stage, [...columns, STAGING_ROW], files);
    // Fresh statistics, so the merge statements plan their joins on the staged rows' real size.
    await this.client.query(`ANALYZE ${stage}`);
  }

  async dropStaging(): Promise<void> {
    // Staging tables are ON COMMIT DROP.
  }

  loadError(err: unknown, ctx: LoadErrorContext, step: LoadStep): SluiceError {
    return translatePostgresError(err, ctx, step);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
