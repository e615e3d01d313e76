import type pg from "pg";
import { SluiceError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { StoredSchema, TableSchema } from "../../schema/types.js";
import type {
  Destination,
  DestinationCapabilities,
  DestinationClient,
  DestinationContext,
  LoadPackage,
  LoadRecord,
  PackageTable,
  PipelineState,
} from "../types.js";
import {
  describeCredentials,
  inTransaction,
  openConnection,
  type PostgresCredentials,
  resolveCredentials,
} from "./postgres-connection.js";
import { copyNdjsonFiles } from "./postgres-loader.js";
import {
  createStagingSql,
  dedupStagingSql,
  deleteChildrenSql,
  deleteMatchedSql,
  insertFromStagingSql,
  insertScd2ChildrenSql,
  matchCondition,
  PARENT_ID_COLUMN,
  pruneOrphanChildrenSql,
  ROOT_ID_COLUMN,
  SCD2_FROM,
  SCD2_TO,
  SYSTEM_COLUMNS,
  scd2Sql,
  upsertSql,
} from "./postgres-merge.js";
import {
  addColumnSql,
  createTableSql,
  LOADS_TABLE,
  PG_MAX_IDENTIFIER_LENGTH,
  qualified,
  quoteIdent,
  STATE_TABLE,
  SYSTEM_TABLES,
  systemTablesSql,
  VERSION_TABLE,
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
      const c = credentials();
      const client = await openConnection(c);
      return new PostgresClient(client, ctx);
    },
  };
}

interface Existing {
  tables: Map<string, Set<string>>;
}

class PostgresClient implements DestinationClient {
  readonly capabilities = POSTGRES_CAPABILITIES;
  private readonly schema: string;
  private readonly logger: Logger;
  private stageCounter = 0;

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
    if (!(await this.tableExists(LOADS_TABLE))) return false;
    const r = await this.client.query(
      `SELECT 1 FROM ${qualified(this.schema, LOADS_TABLE)} WHERE load_id = $1`,
      [loadId],
    );
    return (r.rowCount ?? 0) > 0;
  }

  private async existing(): Promise<Existing> {
    const r = await this.client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1",
      [this.schema],
    );
    const tables = new Map<string, Set<string>>();
    for (const row of r.rows) {
      let cols = tables.get(row.table_name);
      if (cols === undefined) {
        cols = new Set();
        tables.set(row.table_name, cols);
      }
      cols.add(row.column_name);
    }
    return { tables };
  }

  async commitPackage(pkg: LoadPackage): Promise<void> {
    const started = Date.now();
    await inTransaction(this.client, async () => {
      for (const sql of systemTablesSql(this.schema)) await this.client.query(sql);
      const existing = await this.existing();
      await this.migrate(pkg.schema, existing);
      const groups = groupByRoot(pkg.schema, pkg.tables);
      for (const [root, tables] of groups) await this.loadGroup(pkg, root, tables);
      await this.recordLoad(pkg);
    });
    this.logger.debug("package committed", { load_id: pkg.loadId, ms: Date.now() - started });
  }

  private async migrate(schema: StoredSchema, existing: Existing): Promise<void> {
    for (const table of Object.values(schema.tables)) {
      if (SYSTEM_TABLES.includes(table.name)) continue;
      const extra = isScd2Root(schema, table) ? scd2Columns(table) : [];
      const have = existing.tables.get(table.name);
      if (have === undefined) {
        await this.client.query(createTableSql(this.schema, table, extra));
        existing.tables.set(
          table.name,
          new Set([...Object.keys(table.columns), ...extra.map((c) => c.name)]),
        );
        continue;
      }
      for (const column of [...Object.values(table.columns), ...extra]) {
        if (have.has(column.name)) continue;
        await this.client.query(addColumnSql(this.schema, table.name, column));
        have.add(column.name);
      }
    }
  }

  private async copyInto(target: string, table: TableSchema, files: readonly string[]): Promise<number> {
    const columns = Object.values(table.columns).filter((c) => !isScd2Column(c.name));
    if (files.length === 0 || columns.length === 0) return 0;
    return copyNdjsonFiles(this.client, target, columns, files);
  }

  private async stage(table: TableSchema, files: readonly string[]): Promise<string> {
    const stage = `_sluice_stg_${++this.stageCounter}`;
    for (const sql of createStagingSql(stage, this.schema, table.name)) await this.client.query(sql);
    await this.copyInto(quoteIdent(stage), table, files);
    return stage;
  }

  private async loadGroup(pkg: LoadPackage, root: TableSchema, tables: PackageTable[]): Promise<void> {
    const schema = pkg.schema;
    const tableOf = (name: string) => schema.tables[name] as TableSchema;
    const pk = columnsWhere(root, "primary_key");
    const mk = columnsWhere(root, "merge_key");
    let disposition = root.write_disposition;
    const strategy = root.merge_strategy ?? "delete-insert";
    if (disposition === "merge" && strategy !== "scd2" && pk.length === 0 && mk.length === 0) {
      this.logger.warn("merge table has no primary_key or merge_key: rows are appended", {
        table: root.name,
      });
      disposition = "append";
    }
    if (disposition === "append") {
      for (const t of tables) await this.copyInto(qualified(this.schema, t.table), tableOf(t.table), t.files);
      return;
    }
    if (disposition === "replace") {
      const tree = [root.name, ...descendants(schema, root.name)].map((n) => qualified(this.schema, n));
      await this.client.query(`TRUNCATE ${tree.join(", ")}`);
      for (const t of tables) await this.copyInto(qualified(this.schema, t.table), tableOf(t.table), t.files);
      return;
    }
    const rootEntry = tables.find((t) => t.table === root.name);
    if (rootEntry === undefined) return;
    const rootStage = await this.stage(root, rootEntry.files);
    const childStages: Array<{ table: TableSchema; stage: string; link: string | undefined }> = [];
    for (const t of tables) {
      if (t.table === root.name) continue;
      const child = tableOf(t.table);
      childStages.push({
        table: child,
        stage: await this.stage(child, t.files),
        link: linkColumn(child, root),
      });
    }
    const childTargets = descendants(schema, root.name).map(tableOf);
    const rootColumns = Object.keys(root.columns).filter((c) => !isScd2Column(c));
    const insertStagedChildren = async () => {
      for (const c of childStages)
        await this.client.query(
          insertFromStagingSql(this.schema, c.table.name, c.stage, Object.keys(c.table.columns)),
        );
    };
    const dedup = async (key: readonly string[]) => {
      await this.client.query(dedupStagingSql(rootStage, key));
      for (const c of childStages)
        if (c.link !== undefined) await this.client.query(pruneOrphanChildrenSql(c.stage, rootStage, c.link));
    };
    const deleteChildren = async (match: string) => {
      for (const child of childTargets) {
        const link = linkColumn(child, root);
        if (link === undefined) {
          this.logger.warn("child table has no link to its root: stale rows may remain", {
            table: child.name,
          });
          continue;
        }
        await this.client.query(deleteChildrenSql(this.schema, child.name, link, root.name, match));
      }
    };

    if (strategy === "delete-insert") {
      if (pk.length > 0) await dedup(pk);
      const match = matchCondition(rootStage, [pk, mk]);
      await deleteChildren(match);
      await this.client.query(deleteMatchedSql(this.schema, root.name, match));
      await this.client.query(insertFromStagingSql(this.schema, root.name, rootStage, rootColumns));
      await insertStagedChildren();
      return;
    }
    if (strategy === "upsert") {
      if (pk.length === 0)
        throw new SluiceError(`Table "${root.name}" uses merge strategy upsert but has no primary_key`, {
          code: "DESTINATION_MERGE",
          hint: "Set primary_key on the resource, or use the delete-insert strategy with a merge_key.",
        });
      await dedup(pk);
      await deleteChildren(matchCondition(rootStage, [pk]));
      for (const sql of upsertSql(this.schema, root.name, rootStage, rootColumns, pk))
        await this.client.query(sql);
      await insertStagedChildren();
      return;
    }
    const newIds = `${rootStage}_new`;
    const statements = scd2Sql({
      schema: this.schema,
      root: root.name,
      stage: rootStage,
      newIds,
      dataColumns: rootColumns.filter((c) => !SYSTEM_COLUMNS.has(c)),
      insertColumns: rootColumns,
      mergeKey: mk,
      at: validityTimestamp(pkg.loadId),
    });
    for (const sql of statements) await this.client.query(sql);
    for (const c of childStages) {
      if (c.link === undefined) continue;
      await this.client.query(
        insertScd2ChildrenSql(
          this.schema,
          c.table.name,
          c.stage,
          c.link,
          newIds,
          Object.keys(c.table.columns),
        ),
      );
    }
  }

  private async recordLoad(pkg: LoadPackage): Promise<void> {
    const s = this.schema;
    await this.client.query(
      `INSERT INTO ${qualified(s, LOADS_TABLE)} (load_id, schema_name, status, inserted_at, schema_version_hash) VALUES ($1, $2, 0, now(), $3)`,
      [pkg.loadId, pkg.schema.name, pkg.schema.version_hash],
    );
    await this.client.query(
      `INSERT INTO ${qualified(s, STATE_TABLE)} (version, pipeline_name, state, created_at, _sluice_load_id) VALUES ($1, $2, $3, now(), $4)`,
      [pkg.state.version, pkg.state.pipeline_name, JSON.stringify(pkg.state), pkg.loadId],
    );
    await this.client.query(
      `INSERT INTO ${qualified(s, VERSION_TABLE)} (version, schema_name, version_hash, inserted_at, schema, _sluice_load_id)
       SELECT $1, $2, $3, now(), $4, $5
       WHERE NOT EXISTS (SELECT 1 FROM ${qualified(s, VERSION_TABLE)} WHERE version_hash = $3 AND schema_name = $2)`,
      [pkg.schema.version, pkg.schema.name, pkg.schema.version_hash, JSON.stringify(pkg.schema), pkg.loadId],
    );
  }

  async restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null> {
    if (!(await this.tableExists(STATE_TABLE)) || !(await this.tableExists(VERSION_TABLE))) return null;
    // The schema committed with the newest state: looked up through that load's schema hash, because a
    // schema version row is only written when the hash is new (a drop can return to an older hash).
    const st = await this.client.query<{ state: PipelineState; hash: string | null }>(
      `SELECT s.state, l.schema_version_hash AS hash FROM ${qualified(this.schema, STATE_TABLE)} s
       LEFT JOIN ${qualified(this.schema, LOADS_TABLE)} l ON l.load_id = s._sluice_load_id
       WHERE s.pipeline_name = $1 ORDER BY s.version DESC, s.created_at DESC LIMIT 1`,
      [this.ctx.pipelineName],
    );
    const state = st.rows[0]?.state;
    const sc = await this.client.query<{ schema: StoredSchema }>(
      `SELECT schema FROM ${qualified(this.schema, VERSION_TABLE)}
       ORDER BY (version_hash = $1) DESC, inserted_at DESC, version DESC LIMIT 1`,
      [st.rows[0]?.hash ?? ""],
    );
    const schema = sc.rows[0]?.schema;
    if (state === undefined || schema === undefined) return null;
    return { state, schema };
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
    if (!(await this.tableExists(LOADS_TABLE))) return [];
    const r = await this.client.query<{
      load_id: string;
      schema_name: string;
      status: number;
      inserted_at: Date;
      schema_version_hash: string;
    }>(
      `SELECT load_id, schema_name, status, inserted_at, schema_version_hash FROM ${qualified(this.schema, LOADS_TABLE)} ORDER BY inserted_at DESC, load_id DESC LIMIT $1`,
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

function columnsWhere(table: TableSchema, flag: "primary_key" | "merge_key"): string[] {
  return Object.values(table.columns)
    .filter((c) => c[flag] === true)
    .map((c) => c.name);
}

function rootOf(schema: StoredSchema, name: string): TableSchema {
  let t = schema.tables[name];
  if (t === undefined)
    throw new SluiceError(`Load package names table "${name}" that its schema does not define`, {
      code: "PACKAGE_CORRUPT",
      hint: "The load package is damaged; drop the pending package and rerun.",
    });
  const seen = new Set<string>();
  while (t.parent !== undefined && schema.tables[t.parent] !== undefined && !seen.has(t.name)) {
    seen.add(t.name);
    t = schema.tables[t.parent] as TableSchema;
  }
  return t;
}

/** Package tables grouped under their root table, root first, children in schema order. */
function groupByRoot(schema: StoredSchema, tables: PackageTable[]): Map<TableSchema, PackageTable[]> {
  const groups = new Map<TableSchema, PackageTable[]>();
  for (const t of tables) {
    if (SYSTEM_TABLES.includes(t.table)) continue;
    const root = rootOf(schema, t.table);
    const list = groups.get(root) ?? [];
    if (t.table === root.name) list.unshift(t);
    else list.push(t);
    groups.set(root, list);
  }
  return groups;
}

function descendants(schema: StoredSchema, root: string): string[] {
  const out: string[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.shift() as string;
    for (const t of Object.values(schema.tables)) {
      if (t.parent === parent && !out.includes(t.name)) {
        out.push(t.name);
        frontier.push(t.name);
      }
    }
  }
  return out;
}

/** The column that ties a child row to its root row: `_sluice_root_id`, or the parent id for direct children. */
function linkColumn(child: TableSchema, root: TableSchema): string | undefined {
  if (child.columns[ROOT_ID_COLUMN] !== undefined) return ROOT_ID_COLUMN;
  if (child.parent === root.name && child.columns[PARENT_ID_COLUMN] !== undefined) return PARENT_ID_COLUMN;
  return undefined;
}

function isScd2Root(schema: StoredSchema, table: TableSchema): boolean {
  return (
    table.parent === undefined &&
    table.write_disposition === "merge" &&
    table.merge_strategy === "scd2" &&
    rootOf(schema, table.name) === table
  );
}

function isScd2Column(name: string): boolean {
  return name === SCD2_FROM || name === SCD2_TO;
}

function scd2Columns(table: TableSchema) {
  return [SCD2_FROM, SCD2_TO]
    .filter((n) => table.columns[n] === undefined)
    .map((name) => ({ name, data_type: "timestamp" as const, nullable: true }));
}

/** scd2 validity starts when the load was created: a numeric (epoch seconds) load id carries that time. */
export function validityTimestamp(loadId: string): string {
  const n = Number(loadId);
  if (Number.isFinite(n) && n > 1e9 && n < 1e11) return new Date(n * 1000).toISOString();
  return new Date().toISOString();
}
