import { SYSTEM_COLUMNS, SYSTEM_TABLE_NAMES } from "../../core/system-names.js";
import type { ColumnSchema, TableSchema } from "../../schema/types.js";

export const LOADS_TABLE = SYSTEM_TABLE_NAMES.loads;
export const STATE_TABLE = SYSTEM_TABLE_NAMES.state;
export const VERSION_TABLE = SYSTEM_TABLE_NAMES.version;
export const SYSTEM_TABLES: readonly string[] = [LOADS_TABLE, STATE_TABLE, VERSION_TABLE];

export const C_LOAD_ID = SYSTEM_COLUMNS.loadId;
export const C_ID = SYSTEM_COLUMNS.id;
export const C_PARENT_ID = SYSTEM_COLUMNS.parentId;
export const C_LIST_IDX = SYSTEM_COLUMNS.listIdx;
export const C_ROOT_ID = SYSTEM_COLUMNS.rootId;
/**
 * Package-file-only column on rows of merge tables: the sequence number of the source record the row came
 * from (root and child rows of one record share it). Staging keeps it so dedup can keep the last record per
 * key together with exactly that record's children; it is never written to target tables.
 */
export const C_STAGING_ROW = "_sluice_rec";
export const DEFAULT_VALIDITY_COLUMNS: readonly [string, string] = ["_sluice_valid_from", "_sluice_valid_to"];

/** Bumped when the layout of the system tables changes. */
export const ENGINE_VERSION = 1;

function col(name: string, data_type: ColumnSchema["data_type"], nullable = true): ColumnSchema {
  return { name, data_type, nullable };
}

function table(name: string, columns: ColumnSchema[]): TableSchema {
  return {
    name,
    resource: name,
    write_disposition: "append",
    columns: Object.fromEntries(columns.map((c) => [c.name, c])),
  };
}

/** The system tables, as table schemas so each dialect maps the types itself. */
export const SYSTEM_TABLE_SCHEMAS: readonly TableSchema[] = [
  table(LOADS_TABLE, [
    col("load_id", "text", false),
    col("schema_name", "text"),
    col("status", "bigint", false),
    col("inserted_at", "timestamp", false),
    col("schema_version_hash", "text"),
  ]),
  table(STATE_TABLE, [
    col("version", "bigint", false),
    col("engine_version", "bigint", false),
    col("pipeline_name", "text", false),
    col("state", "text", false),
    col("created_at", "timestamp", false),
    col("version_hash", "text"),
    col(C_LOAD_ID, "text", false),
  ]),
  table(VERSION_TABLE, [
    col("version", "bigint", false),
    col("engine_version", "bigint", false),
    col("inserted_at", "timestamp", false),
    col("schema_name", "text", false),
    col("version_hash", "text", false),
    col("schema", "text", false),
  ]),
];

export function isSystemColumn(name: string): boolean {
  return name.startsWith("_sluice_");
}
