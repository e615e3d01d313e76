import type pg from "pg";
import { SluiceError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import { SYSTEM_TABLE_NAMES, SYSTEM_TABLES } from "../../core/system-names.js";
import type { LoadPackage, PipelineState } from "../../load/package.js";
import { STAGING_ROW_COLUMN } from "../../load/package.js";
import type { StoredSchema, TableSchema } from "../../schema/types.js";
import type { LoadStep } from "../load-error.js";
import { migrateTableSql } from "../sql/ddl-sql.js";
import { ENGINE_VERSION } from "../sql/system-tables.js";
import { fileColumns, planTrees, type TreePlan } from "../sql/table-plan.js";
import { dispositionStatements, needsStaging } from "../sql/write-disposition-sql.js";
import type {
  Destination,
  DestinationCapabilities,
  DestinationClient,
  DestinationContext,
  LoadRecord,
} from "../types.js";
import {
  describeCredentials,
  inTransaction,
  openConnection,
  type PostgresCredentials,
  resolveCredentials,
} from "./postgres-connection.js";
import { translatePostgresError } from "./postgres-load-error.js";
import { copyNdjsonFiles } from "./postgres-loader.js";
import {
  PG_MAX_IDENTIFIER_LENGTH,
  postgresDialect,
  qualified,
  quoteIdent,
  systemTablesSql,
} from "./postgres-sql.js";

export interface PostgresDestinationOptions {
  /** `postgresql://user:password@host:port/database`; defaults to DESTINATION__POSTGRES__CREDENTIALS, then PG* variables. */
  credentials?: string;
}

export const POSTGRES_CAPABILITIES: DestinationCapabilities = {
  maxIdentifierLength: PG_MAX_IDENTIFIER_LENGTH,
  mergeStrategies: ["delete-insert", "upsert", "scd2"],
  transactional: true,
};

export function postgresDestination(options: PostgresDestinationOptions = {}): Destination {
  // Resolved lazily: a config that names postgres can be validated without credentials present.
  let creds: PostgresCredentials | undefined;
  const credentials = () => {
    creds ??= resolveCredentials(options.credentials);
    return creds;
  };
  return {
    name: "postgres",
    capabilities: POSTGRES_CAPABILITIES,
    describeLocation(ctx) {
      return `postgres ${describeCredentials(credentials())}, schema "${ctx.datasetName}"`;
    },
    async connect(ctx) {
      if (Buffer.byteLength(ctx.datasetName, "utf8") > PG_MAX_IDENTIFIER_LENGTH)
        // PostgreSQL would silently cut the schema name, and lookups by the full name would then miss it.
        throw new SluiceError(
          `Dataset name "${ctx.datasetName}" is longer than PostgreSQL's ${PG_MAX_IDENTIFIER_LENGTH}-byte limit for schema names`,
          { code: "DESTINATION_CONFIG", hint: "Choose a shorter dataset name (--dataset, or dataset_name)." },
        );
      const c = credentials();
      const client = await openConnection(c);
      return new PostgresClient(client, ctx);
    },
  };
}

interface Existing {
  /** Table → column → information_schema data_type. */
  tables: Map<string, Map<string, string>>;
}

class PostgresClient implements DestinationClient {
  readonly capabilities = POSTGRES_CAPABILITIES;
  private readonly schema: string;
  private readonly logger: Logger;
  private stageCounter = 0;
  /** The table the commit is writing, so a refusal can name it and find the record in its files. */
  private step: LoadStep = {};

  constructor(
    private readonly client: pg.Client,
    private readonly ctx: DestinationContext,
  ) {
    this.schema = ctx.datasetName;
    this.logger = ctx.logger.child({ destination: "postgres" });
  }

  async initialize(): Promise<void> {
    await inTransaction(this.client, async () => {
      for (const sql of systemTablesSql(this.schema)) await this.client.query(sql);
    });
  }

  private async tableExists(table: string): Promise<boolean> {
    const r = await this.client.query<{ oid: string | null }>("SELECT to_regclass($1) AS oid", [
      qualified(this.schema, table),
    ]);
    return r.rows[0]?.oid != null;
  }

  async isLoaded(loadId: string): Promise<boolean> {
    if (!(await this.tableExists(SYSTEM_TABLE_NAMES.loads))) return false;
    const r = await this.client.query(
      `SELECT 1 FROM ${qualified(this.schema, SYSTEM_TABLE_NAMES.loads)} WHERE load_id = $1`,
      [loadId],
    );
    return (r.rowCount ?? 0) > 0;
  }

  private async existing(): Promise<Existing> {
    const r = await this.client.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1",
      [this.schema],
    );
    const tables = new Map<string, Map<string, string>>();
    for (const row of r.rows) {
      let cols = tables.get(row.table_name);
      if (cols === undefined) {
        cols = new Map();
        tables.set(row.table_name, cols);
      }
      cols.set(row.column_name, row.data_type);
    }
    return { tables };
  }

  async commitPackage(pkg: LoadPackage): Promise<void> {
    const started = Date.now();
    this.step = {};
    const plans = planTrees(pkg.schema, pkg.tables, this.logger);
    // One timestamp for the whole load: `_sluice_loads.inserted_at` and scd2 validity boundaries.
    const loadTime = new Date().toISOString();
    try {
      await inTransaction(this.client, async () => {
        // Staging dedup uses NOT IN subqueries: give them room to hash instead of rescanning per row.
        await this.client.query("SET LOCAL work_mem = '256MB'");
        for (const sql of systemTablesSql(this.schema)) await this.client.query(sql);
        await this.migrate(pkg.schema, plans, await this.existing());
        for (const plan of plans) await this.applyPlan(pkg, plan, loadTime);
        await this.recordLoad(pkg, loadTime);
      });
    } catch (err) {
      throw translatePostgresError(
        err,
        { loadId: pkg.loadId, dataset: this.schema, schema: pkg.schema },
        this.step,
      );
    }
    this.logger.debug("package committed", { load_id: pkg.loadId, ms: Date.now() - started });
  }

  private async migrate(schema: StoredSchema, plans: readonly TreePlan[], existing: Existing): Promise<void> {
    // scd2 roots carry validity columns the normalizer does not produce: the plan's root has them.
    const effective = new Map<string, TableSchema>();
    for (const t of Object.values(schema.tables))
      if (!SYSTEM_TABLES.includes(t.name)) effective.set(t.name, t);
    for (const p of plans) effective.set(p.root.name, p.root);
    // CREATE, ADD COLUMN and bigint → double widening, built as in every SQL destination.
    for (const table of effective.values())
      for (const sql of migrateTableSql(
        postgresDialect,
        this.schema,
        table,
        existing.tables.get(table.name) ?? null,
      ))
        await this.client.query(sql);
  }

  /** Append and replace COPY straight into the target; merge strategies COPY into staging first. */
  private async applyPlan(pkg: LoadPackage, plan: TreePlan, loadTime: string): Promise<void> {
    const tables = [plan.root, ...plan.descendants];
    const withRows = (t: TableSchema) => {
      const entry = plan.packageTables.get(t.name);
      return entry !== undefined && entry.files.length > 0 && entry.rowCount > 0 ? entry : undefined;
    };
    if (!needsStaging(plan)) {
      if (plan.disposition === "replace") {
        // TRUNCATE is transactional in PostgreSQL and, unlike DELETE, does not scan the old rows.
        const tree = tables.map((t) => qualified(this.schema, t.name));
        await this.client.query(`TRUNCATE ${tree.join(", ")}`);
      }
      for (const t of tables) {
        const entry = withRows(t);
        if (entry !== undefined) this.step = { table: t.name, files: entry.files };
        if (entry !== undefined)
          await copyNdjsonFiles(
            this.client,
            qualified(this.schema, t.name),
            fileColumns(plan, t),
            entry.files,
          );
      }
      return;
    }
    const sources = new Map<string, string>();
    for (const t of tables) {
      const entry = withRows(t);
      if (entry === undefined) continue;
      const stage = `_sluice_stg_${++this.stageCounter}`;
      this.step = { table: t.name, files: entry.files };
      await this.client.query(
        `CREATE TEMP TABLE ${quoteIdent(stage)} (LIKE ${qualified(this.schema, t.name)}) ON COMMIT DROP`,
      );
      // The record sequence from the package files lets dedup keep the last record and exactly its children.
      await this.client.query(
        `ALTER TABLE ${quoteIdent(stage)} ADD COLUMN ${quoteIdent(STAGING_ROW_COLUMN)} bigint`,
      );
      await copyNdjsonFiles(
        this.client,
        quoteIdent(stage),
        [...fileColumns(plan, t), { name: STAGING_ROW_COLUMN, data_type: "bigint" }],
        entry.files,
      );
      await this.client.query(`ANALYZE ${quoteIdent(stage)}`);
      sources.set(t.name, quoteIdent(stage));
    }
    const statements = dispositionStatements(plan, postgresDialect, {
      target: (name) => qualified(this.schema, name),
      source: (name) => sources.get(name) ?? null,
      loadId: pkg.loadId,
      loadTime,
    });
    for (const sql of statements) {
      this.step = statementStep(sql, plan, (name) => qualified(this.schema, name));
      await this.client.query(sql);
    }
    this.step = {};
  }

  private async recordLoad(pkg: LoadPackage, loadTime: string): Promise<void> {
    const s = this.schema;
    const { schema, state } = pkg;
    await this.client.query(
      `INSERT INTO ${qualified(s, SYSTEM_TABLE_NAMES.loads)} (load_id, schema_name, status, inserted_at, schema_version_hash) VALUES ($1, $2, 0, $3, $4)`,
      [pkg.loadId, schema.name, loadTime, schema.version_hash],
    );
    await this.client.query(
      `INSERT INTO ${qualified(s, SYSTEM_TABLE_NAMES.state)} (version, engine_version, pipeline_name, state, created_at, version_hash, _sluice_load_id) VALUES ($1, $2, $3, $4, $5, NULL, $6)`,
      [state.version, ENGINE_VERSION, state.pipeline_name, JSON.stringify(state), loadTime, pkg.loadId],
    );
    // A schema version is stored once; loads point at it through their schema_version_hash.
    await this.client.query(
      `INSERT INTO ${qualified(s, SYSTEM_TABLE_NAMES.version)} (version, engine_version, inserted_at, schema_name, version_hash, schema)
       SELECT $1, $2, $3, $4, $5, $6
       WHERE NOT EXISTS (SELECT 1 FROM ${qualified(s, SYSTEM_TABLE_NAMES.version)} WHERE schema_name = $4 AND version_hash = $5 AND version = $1)`,
      [schema.version, ENGINE_VERSION, loadTime, schema.name, schema.version_hash, JSON.stringify(schema)],
    );
  }

  async restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null> {
    if (
      !(await this.tableExists(SYSTEM_TABLE_NAMES.state)) ||
      !(await this.tableExists(SYSTEM_TABLE_NAMES.version))
    )
      return null;
    const st = await this.client.query<{ state: string; load_id: string }>(
      `SELECT state, _sluice_load_id AS load_id FROM ${qualified(this.schema, SYSTEM_TABLE_NAMES.state)}
       WHERE pipeline_name = $1 ORDER BY version DESC, created_at DESC LIMIT 1`,
      [this.ctx.pipelineName],
    );
    const newest = st.rows[0];
    if (newest === undefined) return null;
    // The schema committed by the same load as the state.
    const sc = await this.client.query<{ schema: string }>(
      `SELECT v.schema FROM ${qualified(this.schema, SYSTEM_TABLE_NAMES.loads)} l
       JOIN ${qualified(this.schema, SYSTEM_TABLE_NAMES.version)} v ON v.schema_name = l.schema_name AND v.version_hash = l.schema_version_hash
       WHERE l.load_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [newest.load_id],
    );
    const schema = sc.rows[0]?.schema;
    if (schema === undefined) return null;
    return { state: JSON.parse(newest.state) as PipelineState, schema: JSON.parse(schema) as StoredSchema };
  }

  async dropTables(tables: string[], options: { all?: boolean } = {}): Promise<void> {
    if (options.all) {
      await this.client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
      return;
    }
    if (tables.length === 0) return;
    await this.client.query(
      `DROP TABLE IF EXISTS ${tables.map((t) => qualified(this.schema, t)).join(", ")} CASCADE`,
    );
  }

  async listLoads(limit: number): Promise<LoadRecord[]> {
    if (!(await this.tableExists(SYSTEM_TABLE_NAMES.loads))) return [];
    const r = await this.client.query<{
      load_id: string;
      schema_name: string;
      status: number;
      inserted_at: Date;
      schema_version_hash: string;
    }>(
      `SELECT load_id, schema_name, status, inserted_at, schema_version_hash FROM ${qualified(this.schema, SYSTEM_TABLE_NAMES.loads)} ORDER BY inserted_at DESC, load_id DESC LIMIT $1`,
      [limit],
    );
    return r.rows.map((row) => ({ ...row, inserted_at: new Date(row.inserted_at).toISOString() }));
  }

  async rowCounts(tables: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of tables) {
      if (!(await this.tableExists(t))) {
        out[t] = 0;
        continue;
      }
      const r = await this.client.query<{ n: number }>(
        `SELECT count(*) AS n FROM ${qualified(this.schema, t)}`,
      );
      out[t] = Number(r.rows[0]?.n ?? 0);
    }
    return out;
  }

  async sampleRows(table: string, limit: number): Promise<Record<string, unknown>[]> {
    if (!(await this.tableExists(table))) return [];
    const r = await this.client.query(`SELECT * FROM ${qualified(this.schema, table)} LIMIT $1`, [limit]);
    return r.rows as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}

/** The table a disposition statement writes (`INSERT INTO`, `DELETE FROM`, `UPDATE` target) and its files. */
function statementStep(sql: string, plan: TreePlan, target: (table: string) => string): LoadStep {
  for (const table of [plan.root, ...plan.descendants]) {
    const t = target(table.name);
    if ([`INSERT INTO ${t} `, `DELETE FROM ${t}`, `UPDATE ${t} `].some((p) => sql.startsWith(p)))
      return { table: table.name, files: plan.packageTables.get(table.name)?.files ?? [] };
  }
  return { table: plan.root.name };
}
