import type pg from "pg";
import type { SluiceError } from "../../core/errors.js";
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
