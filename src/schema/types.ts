import type { DataType, MergeStrategy, SchemaContract, WriteDispositionName } from "../core/resource.js";

export type { DataType };

/** A column of a destination table, by its normalized name. */
export interface ColumnSchema {
  name: string;
  data_type: DataType;
  nullable: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
  precision?: number;
  scale?: number;
  /** Variant column (`<col>__v_<type>`) holding values that did not fit `<col>`. */
  variant?: boolean;
}

export interface TableSchema {
  /** Normalized table name. */
  name: string;
  /** Parent table for child (list) tables; absent for root tables. */
  parent?: string;
  /** Resource that produced the root of this table tree. */
  resource: string;
  write_disposition: WriteDispositionName;
  merge_strategy?: MergeStrategy;
  schema_contract?: SchemaContract;
  /** Columns in creation order. */
  columns: Record<string, ColumnSchema>;
}

/** The stored schema of a pipeline's dataset. `version` increments on every change; stored in `_sluice_version`. */
export interface StoredSchema {
  name: string;
  version: number;
  /** Hash of the content; equal hashes mean equal schemas. */
  version_hash: string;
  tables: Record<string, TableSchema>;
}
