import type { JsonObject } from "../core/json.js";
import type { StoredSchema } from "../schema/types.js";

/**
 * The load package: what the normalize stage writes and every destination reads. It is the one contract
 * between the two sides, so it lives here rather than with either of them.
 */

/** The pipeline state committed with every load: per-resource state plus pipeline-level fields. */
export interface PipelineState extends JsonObject {
  pipeline_name: string;
  /** Monotonic: bumped on every committed load, so the newest state wins on restore. */
  version: number;
  resources: { [resource: string]: JsonObject };
}

/**
 * Package-file-only column on rows of merge tables: the sequence number of the source record the row came
 * from (root and child rows of one record share it). Staging keeps it so dedup can keep the last record per
 * key together with exactly that record's children; it is never written to target tables.
 */
export const STAGING_ROW_COLUMN = "_sluice_rec";

/**
 * One normalized table inside a load package. `files` are NDJSON files, one row per line, keyed by
 * normalized column names; values are JSON (timestamps and dates as ISO-8601 strings, decimals as strings,
 * json columns as nested JSON, bigints as JSON numbers or numeric strings). Rows of merge tables (root and
 * child) also carry `STAGING_ROW_COLUMN`. A table of a resource in this package may have `files: []`
 * (no rows): `replace` still empties it.
 */
export interface PackageTable {
  table: string;
  files: string[];
  rowCount: number;
}

export interface LoadPackage {
  loadId: string;
  /** The schema after normalizing this package: every table and column the files may hold. */
  schema: StoredSchema;
  tables: PackageTable[];
  /** State to commit together with the data. */
  state: PipelineState;
}
