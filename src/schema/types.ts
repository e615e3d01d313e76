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
  /** True once the table received rows; schema contracts on columns/data types apply only to such tables. */
  seen_data?: boolean;
  /** Root tables: the resource's `max_table_nesting`, when set. */
  max_table_nesting?: number;
  /** Root tables, scd2 only: validity column names (default `_sluice_valid_from` / `_sluice_valid_to`). */
  validity_column_names?: [string, string];
  /**
   * Which source key path claimed each normalized column / child-field name (JSON array of source keys),
   * so two keys normalizing alike (`a_b`, `aB`) resolve the same way on every run: first seen keeps the
   * name, later ones get `_1`, `_2`, …
   */
  source_names?: Record<string, string>;
}

/** The stored schema of a pipeline's dataset. `version` increments on every change; stored in `_sluice_version`. */
export interface StoredSchema {
  name: string;
  version: number;
  /** Hash of the content; equal hashes mean equal schemas. */
  version_hash: string;
  tables: Record<string, TableSchema>;
}
