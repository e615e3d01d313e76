/**
 * The dashboard's JSON API: what `/api/…` returns, shared by the server and its tests (the browser code
 * reads the same shapes). Every value is plain JSON: int64 beyond 2^53 arrives as a string, timestamps as
 * ISO-8601 text, NULL as null (never as empty text).
 */

export type RunStatus = "running" | "ok" | "failed" | "interrupted";

export interface ErrorInfo {
  message: string;
  hint?: string;
}

/** One run, as lists show it. */
export interface RunSummary {
  id: string;
  pipeline: string;
  status: RunStatus;
  started_at: string;
  finished_at?: string;
  duration_ms: number;
  /** Rows loaded, all tables. */
  rows: number;
  records: number;
  requests: number;
  retries: number;
  error?: ErrorInfo;
}

export interface PipelineSummary {
  name: string;
  destination: { name: string; location: string };
  dataset: string;
  runs: number;
  last_run?: RunSummary;
  /** The run in progress, if any (its process is alive). */
  running?: RunSummary;
  pending_packages: number;
  failed_packages: number;
}

/** GET /api/pipelines */
export interface PipelinesResponse {
  pipelines_dir: string;
  pipelines: PipelineSummary[];
}

/** One point of a resource's timeline: what happened during [t_ms, t_ms + bucket_ms) after the run started. */
export interface TimelinePoint {
  t_ms: number;
  pages: number;
  records: number;
  requests: number;
  /** Average requests in flight over the bucket. */
  in_flight: number;
}

export interface ResourceRun {
  name: string;
  status: "done" | "interrupted" | "failed" | "running";
  pages: number;
  records: number;
  requests: number;
  retries: number;
  /** Responses with status 429. */
  throttled: number;
  /** Requests that ended in a 4xx/5xx or a network error (retried or not). */
  failed_requests: number;
  /** Time spent waiting before requests (rate limit, Retry-After, backoff), summed. */
  wait_ms: number;
  elapsed_ms: number;
  avg_in_flight: number;
  /** Pages in all, when the paginator knows the total. */
  expected_pages?: number;
  timeline: { bucket_ms: number; points: TimelinePoint[] };
}

export interface RequestRow {
  n: number;
  at_ms: number;
  method: string;
  url: string;
  status: number;
  attempt: number;
  duration_ms: number;
  wait_ms: number;
  bytes: number;
  page?: { index: number; records: number; next: string };
  retry?: { cause: string; delay_ms: number };
}

/** GET /api/pipelines/:name/runs/:id */
export interface RunDetail extends RunSummary {
  config: string;
  destination: string;
  location?: string;
  dataset_name: string;
  load_ids: string[];
  stages: { name: string; duration_ms: number }[];
  resources: ResourceRun[];
  /** Rows loaded per table. */
  tables: Record<string, number>;
  /** Schema versions this run committed. */
  schema_versions: number[];
  log: { time: string; level: string; msg: string }[];
}

/** GET /api/pipelines/:name/runs/:id/requests?resource=&status= */
export interface RequestsResponse {
  resource?: string;
  requests: RequestRow[];
  /** Requests the bounded log left out. */
  dropped: number;
}

export interface PackageRow {
  load_id: string;
  status: "new" | "normalized" | "failed" | "loaded";
  created_at: string;
  records: number;
  /** Set while failed: why, and whether retrying is safe now. */
  failure?: { message: string; hint?: string; attempts: number; kind?: string };
  /** Loading it now is safe (no newer load committed since it was extracted). */
  loadable: boolean;
}

/** GET /api/pipelines/:name */
export interface PipelineDetail extends PipelineSummary {
  working_dir: string;
  runs_kept: RunSummary[];
  packages: PackageRow[];
  /** The committed pipeline state: incremental cursors per resource (and per parent). */
  state: unknown;
}

export interface SchemaVersionRow {
  version: number;
  version_hash: string;
  committed_at: string;
  load_id?: string;
  /** The run whose load committed it, when its run record is still kept. */
  run_id?: string;
  tables: number;
}

/** GET /api/pipelines/:name/schemas */
export interface SchemaVersionsResponse {
  versions: SchemaVersionRow[];
}

export interface ColumnView {
  name: string;
  data_type: string;
  nullable: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
  variant?: boolean;
  precision?: number;
  scale?: number;
}

export interface TableView {
  name: string;
  parent?: string;
  resource: string;
  write_disposition: string;
  merge_strategy?: string;
  columns: ColumnView[];
  children: string[];
}

/** GET /api/pipelines/:name/schemas/:version */
export interface SchemaVersionResponse extends SchemaVersionRow {
  tables_list: TableView[];
}

export type ColumnChange =
  | { kind: "column_added"; table: string; column: ColumnView }
  | { kind: "column_removed"; table: string; column: ColumnView }
  | { kind: "variant_added"; table: string; column: ColumnView; of: string }
  | { kind: "type_changed"; table: string; column: string; from: string; to: string }
  | { kind: "nullability_changed"; table: string; column: string; from: boolean; to: boolean }
  | { kind: "hint_changed"; table: string; column: string; hint: string; from: unknown; to: unknown };

/** GET /api/pipelines/:name/schema-diff?from=V&to=W */
export interface SchemaDiff {
  from: SchemaVersionRow;
  to: SchemaVersionRow;
  tables_added: TableView[];
  tables_removed: string[];
  changes: ColumnChange[];
  /** Each version in (from, to]: the run that committed it (when known). */
  introduced_by: { version: number; run_id?: string; load_id?: string; committed_at: string }[];
}

/** Where data reads came from: the destination directly, or through the run that is writing it. */
export type ReadPath = "destination" | "running-process";

/** GET /api/pipelines/:name/tables */
export interface TablesResponse {
  read_path: ReadPath;
  tables: { name: string; parent?: string; rows: number; columns: number; children: string[] }[];
}

/**
 * GET /api/pipelines/:name/tables/:table/rows?offset=&limit=&parent_id=
 * Rows in a stable order; `parent_id` keeps a child table's rows of one parent row.
 */
export interface RowsResponse {
  read_path: ReadPath;
  table: string;
  columns: { name: string; data_type: string }[];
  rows: Record<string, unknown>[];
  offset: number;
  limit: number;
  total: number;
  /** The column a child row's `parent_id` refers to (`_sluice_id`), and the child tables. */
  row_key: string;
  parent_key: string;
  children: string[];
}

/** POST /api/pipelines/:name/sql  { sql } */
export interface SqlResponse {
  read_path: ReadPath;
  columns: { name: string; data_type: string }[];
  rows: Record<string, unknown>[];
  /** More rows than the limit matched. */
  truncated: boolean;
  ms: number;
}

/** Any 4xx/5xx of the API. */
export interface ApiError {
  error: ErrorInfo;
}

/**
 * GET /api/events (server-sent events):
 * - `run`: a RunLive whenever a run starts, progresses (about once a second) or ends;
 * - `pipelines`: a PipelinesResponse when the set of pipelines or their last runs change.
 */
export interface RunLive extends RunSummary {
  stage?: string;
  resources: Array<
    Pick<
      ResourceRun,
      "name" | "status" | "pages" | "records" | "requests" | "retries" | "throttled" | "expected_pages"
    > & {
      /** Records per second over the last few seconds. */
      rate: number;
    }
  >;
}
