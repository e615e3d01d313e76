import { SYSTEM_COLUMNS, SYSTEM_TABLE_NAMES } from "../../core/system-names.js";
import type { ColumnSchema, TableSchema } from "../../schema/types.js";

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
  table(SYSTEM_TABLE_NAMES.loads, [
    col("load_id", "text", false),
    col("schema_name", "text"),
    col("status", "bigint", false),
    col("inserted_at", "timestamp", false),
    col("schema_version_hash", "text"),
  ]),
  table(SYSTEM_TABLE_NAMES.state, [
    col("version", "bigint", false),
    col("engine_version", "bigint", false),
    col("pipeline_name", "text", false),
    col("state", "text", false),
    col("created_at", "timestamp", false),
    col("version_hash", "text"),
    col(SYSTEM_COLUMNS.loadId, "text", false),
  ]),
  table(SYSTEM_TABLE_NAMES.version, [
    col("version", "bigint", false),
    col("engine_version", "bigint", false),
    col("inserted_at", "timestamp", false),
    col("schema_name", "text", false),
    col("version_hash", "text", false),
    col("schema", "text", false),
  ]),
];
