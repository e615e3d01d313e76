import { resolve } from "node:path";
import { type Logger, silentLogger } from "../../core/logger.js";
import { isSystemTable, SYSTEM_COLUMNS, SYSTEM_TABLE_NAMES, SYSTEM_TABLES } from "../../core/system-names.js";
import type { LoadPackage, PackageTable, PipelineState } from "../../load/package.js";
import type { StoredSchema, TableSchema } from "../../schema/types.js";
import { LoadAlreadyCommitted, type LoadStep } from "../load-error.js";
import type {
  DestinationCapabilities,
  DestinationClient,
  DestinationContext,
  LoadRecord,
  ReadResult,
  StreamingLoad,
  StreamingLoadOptions,
} from "../types.js";
import { migrateTableSql } from "./ddl-sql.js";
import { qualified, quoteIdent, type SqlDialect } from "./sql-dialect.js";
import { type FileCopy, type FileScan, type SqlDriver, scansFiles } from "./sql-driver.js";
import { SqlStreamingLoad } from "./sql-streaming-load.js";
import { ENGINE_VERSION, SYSTEM_TABLE_SCHEMAS } from "./system-tables.js";
import { fileColumns, planTrees, type TreePlan } from "./table-plan.js";
import { dispositionStatements, needsStaging } from "./write-disposition-sql.js";

/** Table → column → the database's type name for it (information_schema `data_type`). */
type DatasetColumns = Map<string, Map<string, string>>;

const LOADS = SYSTEM_TABLE_NAMES.loads;
const STATE = SYSTEM_TABLE_NAMES.state;
const VERSION = SYSTEM_TABLE_NAMES.version;

/**
 * The destination client of every SQL database: system tables, migrations, staging, write dispositions,
 * the load record, restore, drop and inspection, written once over a driver (how to talk to the database
 * and bring files in) and a dialect (how to spell what differs). A package commits in one transaction.
 */
export class SqlClient implements DestinationClient {
  private readonly dataset: string;
  private readonly logger: Logger;
  /** Set once this client has made sure the dataset and its system tables exist. */
  private initialized = false;
  /** The table the commit is writing and its files, so a refusal can name it and find the record. */
  private step: LoadStep = {};
  private stagingSeq = 0;

  constructor(
    private readonly driver: SqlDriver,
    private readonly dialect: SqlDialect,
    readonly capabilities: DestinationCapabilities,
    private readonly ctx: DestinationContext,
  ) {
    this.dataset = ctx.datasetName;
    this.logger = ctx.logger.child({ destination: dialect.name });
  }

  private target(table: string): string {
    return qualified(this.dataset, table);
  }

  async initialize(): Promise<void> {
    if (this.initialized) return;
    await this.driver.transaction(async () => {
      await this.driver.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.dataset)}`);
      await this.migrateTables(SYSTEM_TABLE_SCHEMAS, await this.existingColumns());
    });
    this.initialized = true;
  }

  async isLoaded(loadId: string): Promise<boolean> {
    if (!(await this.systemTablesExist())) return false;
    const rows = await this.driver.query(`SELECT 1 FROM ${this.target(LOADS)} WHERE load_id = $1 LIMIT 1`, [
      loadId,
    ]);
    return rows.length > 0;
  }

  async commitPackage(pkg: LoadPackage): Promise<void> {
    const started = Date.now();
    this.step = {};
    try {
      await this.initialize();
      const plans = planTrees(pkg.schema, pkg.tables, this.logger);
      // One timestamp for the whole load: `_sluice_loads.inserted_at` and scd2 validity boundaries.
      const loadTime = new Date().toISOString();
      await this.driver.transaction(async () => {
        for (const sql of this.dialect.loadSettingsSql) await this.driver.run(sql);
        // Two workers may load the same package at once (a retried activity while the first still runs):
        // the second finds the first's row here, once the first has committed, and loads nothing.
        const serialize = this.dialect.serializeLoadsSql?.(this.target(LOADS));
        if (serialize !== undefined) await this.driver.run(serialize);
        const seen = await this.driver.query(
          `SELECT 1 FROM ${this.target(LOADS)} WHERE load_id = $1 LIMIT 1`,
          [pkg.loadId],
        );
        if (seen.length > 0) throw new LoadAlreadyCommitted(pkg.loadId);
        await this.migrate(pkg.schema, plans);
        const staged: string[] = [];
        for (const plan of plans) await this.writeTree(plan, pkg.loadId, loadTime, staged);
        this.step = {};
        await this.driver.dropStaging(staged);
        await this.recordLoad(pkg, loadTime);
      });
    } catch (err) {
      if (err instanceof LoadAlreadyCommitted) throw err;
      throw this.driver.loadError(
        err,
        { loadId: pkg.loadId, dataset: this.dataset, schema: pkg.schema },
        this.step,
      );
    }
    this.logger.debug("package committed", { load_id: pkg.loadId, ms: Date.now() - started });
  }

  /**
   * One transaction held while extraction continues: append and replace trees load each closed file
   * straight into their tables (migrated first to the schema so far; a replaced tree is emptied once);
   * merge trees keep all their files for the end, where they are staged and merged as in commitPackage
   * (their statements read every staged row at once). Commit happens only in `commit`, with the rest.
   */
  async openLoad(loadId: string, options: StreamingLoadOptions = {}): Promise<StreamingLoad> {
    await this.initialize();
    const loadTime = new Date().toISOString();
    const streamed = new Set<string>();
    /** Tables of replaced trees already emptied in this transaction. */
    const emptied = new Set<string>();
    return SqlStreamingLoad.open(
      {
        transaction: (fn) => this.driver.transaction(fn),
        begin: async () => {
          for (const sql of this.dialect.loadSettingsSql) await this.driver.run(sql);
          return this.driver.leaveACore ? this.driver.leaveACore() : async () => {};
        },
        chunk: async (table, files, schema) => {
          // Planned quietly: the final plan warns once about a merge falling back to append.
          const plan = planTrees(schema, [{ table, files, rowCount: 1 }], silentLogger)[0];
          if (plan === undefined || (plan.disposition !== "append" && plan.disposition !== "replace"))
            return false;
          const tree = treeOf(plan);
          const existing = await this.existingColumns();
          // Readers of a server database would wait on an ALTER's or an emptied table's lock for the whole
          // extraction: such a tree loads at the end, as it would without overlap.
          if (this.driver.sharedWithReaders) {
            if (plan.disposition === "replace") return false;
            for (const t of tree) {
              const columns = existing.get(t.name);
              if (columns && migrateTableSql(this.dialect, this.dataset, t, columns).length > 0) return false;
            }
          }
          this.step = { table };
          await this.migrateTables(tree, existing);
          if (plan.disposition === "replace" && !emptied.has(plan.root.name)) {
            await this.emptyTables(tree);
            for (const t of tree) emptied.add(t.name);
          }
          await this.writeTree({ ...plan, disposition: "append" }, loadId, loadTime, []);
          for (const file of files) streamed.add(resolve(file));
          this.step = {};
          return true;
        },
        finish: async (pkg) => {
          const tables = pkg.tables.map((t) => ({
            ...t,
            files: t.files.filter((f) => !streamed.has(resolve(f))),
          }));
          const plans = planTrees(pkg.schema, tables, this.logger);
          await this.migrate(pkg.schema, plans);
          const staged: string[] = [];
          for (const plan of plans) {
            if (plan.disposition === "replace" && emptied.has(plan.root.name)) {
              // Children that joined the tree after it was emptied still had the old rows.
              const rest = treeOf(plan).filter((t) => !emptied.has(t.name));
              if (rest.length > 0) await this.emptyTables(rest);
              await this.writeTree({ ...plan, disposition: "append" }, pkg.loadId, loadTime, staged);
            } else await this.writeTree(plan, pkg.loadId, loadTime, staged);
          }
          this.step = {};
          await this.driver.dropStaging(staged);
          await this.recordLoad(pkg, loadTime);
        },
      },
      options,
    );
  }

  /** Empties the tables of a replaced tree (given root first): children first where rows are deleted. */
  private async emptyTables(tables: readonly TableSchema[]): Promise<void> {
    const files = this.driver.files;
    if (scansFiles(files))
      for (const t of [...tables].reverse()) await this.driver.run(`DELETE FROM ${this.target(t.name)}`);
    else await files.empty(tables.map((t) => this.target(t.name)));
  }

  /**
   * Brings the package's tables up to its schema: system tables are initialize's, and scd2 roots carry
   * validity columns the normalizer does not produce (the plan's root has them).
   */
  private async migrate(schema: StoredSchema, plans: readonly TreePlan[]): Promise<void> {
    const effective = new Map<string, TableSchema>();
    for (const t of Object.values(schema.tables)) if (!isSystemTable(t.name)) effective.set(t.name, t);
    for (const p of plans) effective.set(p.root.name, p.root);
    await this.migrateTables(effective.values(), await this.existingColumns());
  }

  /** CREATE (once a table has columns), ADD COLUMN and bigint → double widening, as ddl-sql builds them. */
  private async migrateTables(tables: Iterable<TableSchema>, existing: DatasetColumns): Promise<void> {
    for (const table of tables)
      for (const sql of migrateTableSql(this.dialect, this.dataset, table, existing.get(table.name) ?? null))
        await this.driver.run(sql);
  }

  private async writeTree(plan: TreePlan, loadId: string, loadTime: string, staged: string[]): Promise<void> {
    const files = this.driver.files;
    let sources: Map<string, string>;
    if (needsStaging(plan)) sources = await this.stageTree(plan, staged);
    else if (scansFiles(files)) sources = this.scanTree(plan, files);
    else return this.copyTree(plan, files);
    const statements = dispositionStatements(plan, this.dialect, {
      target: (name) => this.target(name),
      source: (name) => sources.get(name) ?? null,
      loadId,
      loadTime,
    });
    for (const sql of statements) {
      this.step = this.statementStep(sql, plan);
      await this.driver.run(sql);
    }
  }

  /** Merge strategies read their rows several times and delete from them: temporary staging tables. */
  private async stageTree(plan: TreePlan, staged: string[]): Promise<Map<string, string>> {
    const sources = new Map<string, string>();
    for (const table of treeOf(plan)) {
      const entry = withRows(plan, table);
      if (entry === undefined) continue;
      const stage = quoteIdent(`_sluice_stg_${++this.stagingSeq}`);
      this.step = { table: table.name, files: entry.files };
      await this.driver.stage(stage, this.target(table.name), fileColumns(plan, table), entry.files);
      staged.push(stage);
      sources.set(table.name, stage);
    }
    return sources;
  }

  /** Append and replace insert straight from the scanned files. */
  private scanTree(plan: TreePlan, files: FileScan): Map<string, string> {
    const sources = new Map<string, string>();
    for (const table of treeOf(plan)) {
      const entry = withRows(plan, table);
      if (entry !== undefined)
        sources.set(table.name, `(SELECT * FROM ${files.relation(entry.files, fileColumns(plan, table))})`);
    }
    return sources;
  }

  /** Append and replace copy straight into their tables; replace empties the whole tree first. */
  private async copyTree(plan: TreePlan, files: FileCopy): Promise<void> {
    const tree = treeOf(plan);
    if (plan.disposition === "replace") {
      this.step = { table: plan.root.name };
      await this.emptyTables(tree);
    }
    for (const table of tree) {
      const entry = withRows(plan, table);
      if (entry === undefined) continue;
      this.step = { table: table.name, files: entry.files };
      await files.copy(this.target(table.name), fileColumns(plan, table), entry.files);
    }
  }

  /** The table a disposition statement writes (`INSERT INTO`, `DELETE FROM`, `UPDATE` target) and its files. */
  private statementStep(sql: string, plan: TreePlan): LoadStep {
    for (const table of treeOf(plan)) {
      const t = this.target(table.name);
      if ([`INSERT INTO ${t} `, `DELETE FROM ${t}`, `UPDATE ${t} `].some((p) => sql.startsWith(p)))
        return { table: table.name, files: plan.packageTables.get(table.name)?.files ?? [] };
    }
    return { table: plan.root.name };
  }

  private async recordLoad(pkg: LoadPackage, loadTime: string): Promise<void> {
    const { schema, state } = pkg;
    await this.driver.run(
      `INSERT INTO ${this.target(LOADS)} (load_id, schema_name, status, inserted_at, schema_version_hash) VALUES ($1, $2, 0, CAST($3 AS TIMESTAMPTZ), $4)`,
      [pkg.loadId, schema.name, loadTime, schema.version_hash],
    );
    await this.driver.run(
      `INSERT INTO ${this.target(STATE)} (version, engine_version, pipeline_name, state, created_at, version_hash, ${SYSTEM_COLUMNS.loadId}) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMPTZ), NULL, $6)`,
      [state.version, ENGINE_VERSION, state.pipeline_name, JSON.stringify(state), loadTime, pkg.loadId],
    );
    // A schema version is stored once; loads point at it through their schema_version_hash.
    const version = this.target(VERSION);
    await this.driver.run(
      `INSERT INTO ${version} (version, engine_version, inserted_at, schema_name, version_hash, schema) SELECT $1, $2, CAST($3 AS TIMESTAMPTZ), $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM ${version} WHERE schema_name = $4 AND version_hash = $5 AND version = $1)`,
      [schema.version, ENGINE_VERSION, loadTime, schema.name, schema.version_hash, JSON.stringify(schema)],
    );
  }

  async restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null> {
    if (!(await this.systemTablesExist())) return null;
    const states = await this.driver.query(
      `SELECT state, ${SYSTEM_COLUMNS.loadId} AS load_id FROM ${this.target(STATE)} WHERE pipeline_name = $1 ORDER BY version DESC, created_at DESC LIMIT 1`,
      [this.ctx.pipelineName],
    );
    const newest = states[0];
    if (newest === undefined) return null;
    // The schema committed by the same load as the state.
    const schemas = await this.driver.query(
      `SELECT v.schema FROM ${this.target(LOADS)} AS l JOIN ${this.target(VERSION)} AS v ON v.schema_name = l.schema_name AND v.version_hash = l.schema_version_hash WHERE l.load_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [String(newest["load_id"])],
    );
    const schema = schemas[0];
    if (schema === undefined) return null;
    return {
      state: JSON.parse(String(newest["state"])) as PipelineState,
      schema: JSON.parse(String(schema["schema"])) as StoredSchema,
    };
  }

  async dropTables(tables: string[], options: { all?: boolean } = {}): Promise<void> {
    if (options.all) {
      await this.driver.run(`DROP SCHEMA IF EXISTS ${quoteIdent(this.dataset)} CASCADE`);
      this.initialized = false;
      return;
    }
    if (tables.length === 0) return;
    const statements = this.dialect.dropTablesSql(tables.map((t) => this.target(t)));
    if (statements.length === 1) await this.driver.run(statements[0] as string);
    else
      await this.driver.transaction(async () => {
        for (const sql of statements) await this.driver.run(sql);
      });
  }

  async listLoads(limit: number): Promise<LoadRecord[]> {
    if (!(await this.systemTablesExist())) return [];
    const rows = await this.driver.query(
      `SELECT load_id, schema_name, status, ${this.dialect.timestampText("inserted_at")} AS inserted_at, schema_version_hash FROM ${this.target(LOADS)} ORDER BY inserted_at DESC, load_id DESC LIMIT ${rowLimit(limit)}`,
    );
    return rows.map((r) => ({
      load_id: String(r["load_id"]),
      schema_name: String(r["schema_name"] ?? ""),
      status: Number(r["status"] ?? 0),
      inserted_at: String(r["inserted_at"]),
      schema_version_hash: String(r["schema_version_hash"] ?? ""),
    }));
  }

  async rowCounts(tables: string[]): Promise<Record<string, number>> {
    const existing = await this.existingTables();
    const out: Record<string, number> = {};
    for (const t of tables) {
      if (!existing.has(t)) {
        out[t] = 0;
        continue;
      }
      const rows = await this.driver.query(`SELECT count(*) AS n FROM ${this.target(t)}`);
      out[t] = Number(rows[0]?.["n"] ?? 0);
    }
    return out;
  }

  async sampleRows(table: string, limit: number): Promise<Record<string, unknown>[]> {
    if (!(await this.existingTables()).has(table)) return [];
    return this.driver.query(`SELECT * FROM ${this.target(table)} LIMIT ${rowLimit(limit)}`);
  }

  /** Tables of the dataset, user tables first; for inspection. */
  async listTables(): Promise<string[]> {
    const existing = await this.existingTables();
    const user = [...existing].filter((n) => !isSystemTable(n)).sort();
    return [...user, ...SYSTEM_TABLES.filter((n) => existing.has(n))];
  }

  async readQuery(
    sql: string,
    options: { params?: readonly (string | number)[]; limit: number },
  ): Promise<ReadResult> {
    return this.driver.readOnly(sql, options.params ?? [], options.limit, this.dataset);
  }

  tableRef(table: string): string {
    return this.target(table);
  }

  /** Runs a read-only query; for tests and inspection. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.driver.query(sql);
  }

  async close(): Promise<void> {
    await this.driver.close();
  }

  /** Before this client initialized, reading the load history must not create it: look first. */
  private async systemTablesExist(): Promise<boolean> {
    if (this.initialized) return true;
    const existing = await this.existingTables();
    return SYSTEM_TABLES.every((t) => existing.has(t));
  }

  private async existingTables(): Promise<Set<string>> {
    const rows = await this.driver.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
      [this.dataset],
    );
    return new Set(rows.map((r) => String(r["table_name"])));
  }

  /** Columns (name → type) of every table in the dataset, read once per migration. */
  private async existingColumns(): Promise<DatasetColumns> {
    const rows = await this.driver.query(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY ordinal_position",
      [this.dataset],
    );
    const out: DatasetColumns = new Map();
    for (const r of rows) {
      const table = String(r["table_name"]);
      let columns = out.get(table);
      if (columns === undefined) {
        columns = new Map();
        out.set(table, columns);
      }
      columns.set(String(r["column_name"]), String(r["data_type"]));
    }
    return out;
  }
}

function treeOf(plan: TreePlan): TableSchema[] {
  return [plan.root, ...plan.descendants];
}

/** The package entry of a table that has rows in this load. */
function withRows(plan: TreePlan, table: TableSchema): PackageTable | undefined {
  const entry = plan.packageTables.get(table.name);
  return entry !== undefined && entry.files.length > 0 && entry.rowCount > 0 ? entry : undefined;
}

function rowLimit(limit: number): number {
  return Math.max(0, Math.floor(limit));
}
