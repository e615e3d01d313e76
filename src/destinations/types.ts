import type { Logger } from "../core/logger.js";
import type { LoadPackage, PipelineState } from "../load/package.js";
import type { StoredSchema } from "../schema/types.js";

/**
 * The destination interface: small, and nothing HTTP- or source-specific (Kysely's dialects are the model).
 * Each destination is one folder (`duckdb/`, `postgres/`, `filesystem/`) of small files named
 * `<db>-<role>.ts`; its `index.ts` exports the `Destination` factory and the registration `registry.ts`
 * lists. A SQL destination is a dialect and a driver under the shared SQL client (`sql/sql-client.ts`).
 */
export interface DestinationCapabilities {
  /** Longest identifier the destination accepts; the normalizer shortens names to fit. */
  maxIdentifierLength: number;
  /** Merge dispositions supported; an unsupported one is refused before extraction starts. */
  mergeStrategies: ReadonlyArray<"delete-insert" | "upsert" | "scd2">;
  /** Whether one package commits atomically (data + `_sluice_loads` + state + schema). */
  transactional: boolean;
  /**
   * Only one process at a time can open it (a DuckDB file): while a run writes, viewers read through the
   * run's process (pipeline/live-reads.ts) instead of opening it themselves.
   */
  singleProcess?: boolean;
}

/** Everything the pipeline knows when it opens a destination. */
export interface DestinationContext {
  pipelineName: string;
  datasetName: string;
  /** The pipeline's working directory (the DuckDB default file lives in the current directory, not here). */
  workingDir: string;
  logger: Logger;
  /**
   * Opened only to look (the dashboard): nothing is created or written, and a DuckDB file is opened
   * read-only so a run can still take it once the look is over.
   */
  readOnly?: boolean;
}

/** What a read-only query returned: its columns with the database's type names, and at most `limit` rows. */
export interface ReadResult {
  columns: { name: string; data_type: string }[];
  rows: Record<string, unknown>[];
  /** More rows matched than were returned. */
  truncated: boolean;
}

export interface LoadRecord {
  load_id: string;
  schema_name: string;
  status: number;
  inserted_at: string;
  schema_version_hash: string;
}

/**
 * A load held open while extraction continues: ONE destination transaction, into which closed package
 * files are loaded as they close, committed together with the rest of the package, the `_sluice_loads`
 * row, the state and the schema version. Nothing is visible before that commit, so a crash at any moment
 * leaves the destination as it was (the package then resumes from disk, exactly once).
 */
export interface StreamingLoad {
  /**
   * Queues one closed file of `table`, written under `schema` (the package's schema so far). Never blocks:
   * the file loads in the background, one database operation at a time. Ignored once streaming stopped.
   */
  add(table: string, file: string, schema: StoredSchema): void;
  /**
   * Loads the rest of `pkg` (files not streamed), applies the dispositions, records the load and commits.
   * Resolves false when nothing was committed (a chunk or the final step was refused, rolled back): the
   * caller then loads the package the ordinary way, which reports the refusal as it always has.
   */
  commit(pkg: LoadPackage, hooks?: { beforeCommit?: () => void }): Promise<boolean>;
  /** Rolls the transaction back (extraction failed or was aborted). Idempotent, never rejects. */
  abort(): Promise<void>;
  /** Database time spent on streamed chunks so far (overlapped with extraction). */
  readonly streamedMs: number;
}

export interface StreamingLoadOptions {
  /** Called after each streamed chunk is in the open transaction (the exactly-once tests crash here). */
  onChunkLoaded?: (table: string) => void;
}

export interface DestinationClient {
  readonly capabilities: DestinationCapabilities;
  /** Creates the dataset (schema / folder) and the system tables when missing. */
  initialize(): Promise<void>;
  /** True when a load with this id is already committed: the exactly-once check on resume. */
  isLoaded(loadId: string): Promise<boolean>;
  /**
   * Commits a whole package atomically: migrates tables to `pkg.schema`, loads the files, applies each
   * table's write disposition, and records the load (`_sluice_loads`), the state (`_sluice_pipeline_state`)
   * and the schema version (`_sluice_version`) — all or nothing.
   */
  commitPackage(pkg: LoadPackage): Promise<void>;
  /**
   * Optional: opens a streaming load for `loadId` (see StreamingLoad). Only call it with no other work
   * pending on this client: the transaction holds the connection until commit or abort.
   */
  openLoad?(loadId: string, options?: StreamingLoadOptions): Promise<StreamingLoad>;
  /** Latest committed state and schema for the pipeline, to restore a lost working dir; null if none. */
  restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null>;
  /** Drops the given tables (and, with `all`, every table of the dataset including system tables). */
  dropTables(tables: string[], options?: { all?: boolean }): Promise<void>;
  /** Inspection, for `sluice pipeline … info|show`. */
  listLoads(limit: number): Promise<LoadRecord[]>;
  rowCounts(tables: string[]): Promise<Record<string, number>>;
  sampleRows(table: string, limit: number): Promise<Record<string, unknown>[]>;
  /**
   * Inspection: runs one read-only statement (a SELECT) over the dataset, at most `limit` rows; a
   * statement that would change anything is refused. Parameters are `$1`, `$2`, …
   */
  readQuery(
    sql: string,
    options: { params?: readonly (string | number)[]; limit: number },
  ): Promise<ReadResult>;
  /** How `readQuery` names one of the dataset's tables (quoted, qualified as the destination needs). */
  tableRef(table: string): string;
  close(): Promise<void>;
}

export interface Destination {
  /** `duckdb`, `postgres`, `filesystem`. */
  readonly name: string;
  readonly capabilities: DestinationCapabilities;
  /** Human-readable location of the data, for the run summary (no secrets). */
  describeLocation(ctx: DestinationContext): string;
  connect(ctx: DestinationContext): Promise<DestinationClient>;
}
