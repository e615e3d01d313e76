import { resolve } from "node:path";
import { SYSTEM_TABLE_NAMES, SYSTEM_TABLES } from "../../core/system-names.js";
import type { LoadPackage, PipelineState } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import type { LoadStep } from "../load-error.js";
import { qualified, quoteIdent } from "../sql/sql-dialect.js";
import type {
  Destination,
  DestinationCapabilities,
  DestinationClient,
  DestinationContext,
  LoadRecord,
} from "../types.js";
import { DuckdbConnection } from "./duckdb-connection.js";
import { translateDuckdbError } from "./duckdb-load-error.js";
import { commitPackageDuckdb, createSystemTables, existingColumns } from "./duckdb-loader.js";
import { DUCKDB_MAX_IDENTIFIER_LENGTH } from "./duckdb-sql.js";

export interface DuckdbOptions {
  /** Database file; default `<pipeline_name>.duckdb` in the current directory. `:memory:` works for tests. */
  path?: string;
  /** DuckDB settings passed at open, e.g. `{ memory_limit: "512MB", threads: "2" }`. */
  config?: Record<string, string>;
}

/**
 * Bulk loads need no insertion order (dedup uses the `_sluice_rec` column), and dropping it lets DuckDB
 * parse and write package files in parallel with less buffering. The memory limit keeps a load's RSS flat
 * whatever the package size (DuckDB spills to `<file>.tmp` beyond it); override via `config`.
 */
const DEFAULT_CONFIG: Record<string, string> = { preserve_insertion_order: "false", memory_limit: "192MB" };

export const duckdbCapabilities: DestinationCapabilities = {
  maxIdentifierLength: DUCKDB_MAX_IDENTIFIER_LENGTH,
  mergeStrategies: ["delete-insert", "upsert", "scd2"],
  transactional: true,
};

export function duckdbPath(
  ctx: Pick<DestinationContext, "pipelineName">,
  options: DuckdbOptions = {},
): string {
  if (options.path === ":memory:") return options.path;
  return resolve(options.path ?? `${ctx.pipelineName}.duckdb`);
}

/** The embedded default destination: one DuckDB file, dataset = schema. */
export function duckdb(options: DuckdbOptions = {}): Destination {
  return {
    name: "duckdb",
    capabilities: duckdbCapabilities,
    describeLocation: (ctx) => `${duckdbPath(ctx, options)} (schema ${ctx.datasetName})`,
    async connect(ctx) {
      const conn = await DuckdbConnection.open(duckdbPath(ctx, options), {
        ...DEFAULT_CONFIG,
        ...options.config,
      });
      return new DuckdbClient(conn, ctx);
    },
  };
}

function num(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : Number(v ?? 0);
}

function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === "bigint") out[k] = Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
    else out[k] = v;
  }
  return out;
}

class DuckdbClient implements DestinationClient {
  readonly capabilities = duckdbCapabilities;
  private initialized = false;

  constructor(
    private readonly conn: DuckdbConnection,
    private readonly ctx: DestinationContext,
  ) {}

  private get dataset(): string {
    return this.ctx.datasetName;
  }

  async initialize(): Promise<void> {
    if (this.initialized) return;
    await createSystemTables(this.conn, this.dataset);
    this.initialized = true;
  }

  async isLoaded(loadId: string): Promise<boolean> {
    await this.initialize();
    const rows = await this.conn.query(
      `SELECT 1 FROM ${qualified(this.dataset, SYSTEM_TABLE_NAMES.loads)} WHERE load_id = $1 LIMIT 1`,
      [loadId],
    );
    return rows.length > 0;
  }

  async commitPackage(pkg: LoadPackage): Promise<void> {
    await this.initialize();
    const step: LoadStep = {};
    try {
      await commitPackageDuckdb(this.conn, this.dataset, pkg, this.ctx.logger, step);
    } catch (err) {
      throw translateDuckdbError(
        err,
        { loadId: pkg.loadId, dataset: this.dataset, schema: pkg.schema },
        step,
      );
    }
  }

  async restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null> {
    await this.initialize();
    const states = await this.conn.query(
      `SELECT state, _sluice_load_id FROM ${qualified(this.dataset, SYSTEM_TABLE_NAMES.state)} WHERE pipeline_name = $1 ORDER BY version DESC, created_at DESC LIMIT 1`,
      [this.ctx.pipelineName],
    );
    const state = states[0];
    if (state === undefined) return null;
    // The schema committed by the same load as the state.
    const schemas = await this.conn.query(
      `SELECT v.schema FROM ${qualified(this.dataset, SYSTEM_TABLE_NAMES.loads)} AS l JOIN ${qualified(this.dataset, SYSTEM_TABLE_NAMES.version)} AS v ON v.schema_name = l.schema_name AND v.version_hash = l.schema_version_hash WHERE l.load_id = $1 ORDER BY v.version DESC LIMIT 1`,
      [String(state["_sluice_load_id"])],
    );
    const schema = schemas[0];
    if (schema === undefined) return null;
    return {
      state: JSON.parse(String(state["state"])) as PipelineState,
      schema: JSON.parse(String(schema["schema"])) as StoredSchema,
    };
  }

  async dropTables(tables: string[], options: { all?: boolean } = {}): Promise<void> {
    if (options.all) {
      await this.conn.run(`DROP SCHEMA IF EXISTS ${quoteIdent(this.dataset)} CASCADE`);
      this.initialized = false;
      return;
    }
    await this.conn.transaction(async () => {
      for (const t of tables) await this.conn.run(`DROP TABLE IF EXISTS ${qualified(this.dataset, t)}`);
    });
  }

  async listLoads(limit: number): Promise<LoadRecord[]> {
    await this.initialize();
    const rows = await this.conn.query(
      `SELECT load_id, schema_name, status, CAST(inserted_at AS VARCHAR) AS inserted_at, schema_version_hash FROM ${qualified(this.dataset, SYSTEM_TABLE_NAMES.loads)} ORDER BY inserted_at DESC, load_id DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    return rows.map((r) => ({
      load_id: String(r["load_id"]),
      schema_name: String(r["schema_name"] ?? ""),
      status: num(r["status"]),
      inserted_at: String(r["inserted_at"]),
      schema_version_hash: String(r["schema_version_hash"] ?? ""),
    }));
  }

  async rowCounts(tables: string[]): Promise<Record<string, number>> {
    const existing = await existingColumns(this.conn, this.dataset);
    const out: Record<string, number> = {};
    for (const t of tables) {
      if (!existing.has(t)) {
        out[t] = 0;
        continue;
      }
      const rows = await this.conn.query(`SELECT count(*) AS n FROM ${qualified(this.dataset, t)}`);
      out[t] = num(rows[0]?.["n"]);
    }
    return out;
  }

  async sampleRows(table: string, limit: number): Promise<Record<string, unknown>[]> {
    const rows = await this.conn.query(
      `SELECT * FROM ${qualified(this.dataset, table)} LIMIT ${Math.max(0, Math.floor(limit))}`,
    );
    return rows.map(jsonSafe);
  }

  /** Tables of the dataset, user tables first; for inspection. */
  async listTables(): Promise<string[]> {
    const existing = await existingColumns(this.conn, this.dataset);
    const names = [...existing.keys()];
    return [
      ...names.filter((n) => !SYSTEM_TABLES.includes(n)).sort(),
      ...names.filter((n) => SYSTEM_TABLES.includes(n)),
    ];
  }

  /** Runs a read-only query; for tests and `sluice pipeline show`. */
  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.conn.query(sql);
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
