import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import { decideChange, type ResolvedContract, resolveContract } from "../schema/contract.js";
import { normalizeTableName } from "../schema/naming.js";
import type { StoredSchema } from "../schema/types.js";
import { cloneSchema } from "../schema/version.js";
import { RecordFlattener } from "./record-flattener.js";
import { SchemaEvolution } from "./schema-evolution.js";
import { SchemaVersions, type VersionsPosition } from "./schema-versions.js";
import { sampleDensity, type TableState } from "./table-state.js";

export interface NormalizerOptions {
  /** Destination capability: longest identifier; longer names are shortened with a stable hash suffix. */
  maxIdentifierLength: number;
}

/**
 * A normalizer's working state as plain data, for a normalizer in another thread to go on with the same
 * package: the schema with tables that have no rows yet, which tables had data before the package
 * (contracts), and where versioning stood. Row ids stay unique (the new normalizer draws its own prefix).
 */
export interface NormalizerContinuation {
  stored: StoredSchema;
  hadData: string[];
  versions: VersionsPosition;
}

export type RowSink = (table: string, row: Record<string, unknown>) => void;

interface ResourceBinding {
  readonly tableName: string;
  readonly contract: ResolvedContract;
  /** Undefined when the `tables` contract refused the new root table. */
  readonly table: TableState | undefined;
}

/**
 * Turns records into rows of a root table and its child tables, evolving the schema as it goes (naming
 * rules in src/schema/naming.ts, inference and coercion in src/schema/infer.ts). The relational shape:
 * - Nested objects flatten into `a__b` columns; lists become child tables `<table>__<field>` whose rows carry
 *   `_sluice_parent_id`, `_sluice_list_idx`, `_sluice_root_id` and `_sluice_id = <parent id>.<field>.<idx>`.
 *   Lists of scalars fill a `value` column; nested lists nest as `<child>__value`. Empty lists add no rows.
 * - `max_table_nesting` counts object and list levels alike (as dlt): a value at level ≥ the limit is stored
 *   whole in a json column. A column hinted or created as json also takes nested values whole.
 * - Root `_sluice_id`: random (per-run prefix + counter) for append/replace; from the primary key for merge
 *   (so reruns and child rows agree); from the row content for scd2.
 * - Contracts as dlt: `tables` applies to tables not yet in the schema; `columns` and `data_type` only to
 *   tables that had seen data before this normalizer was created (a table's first run evolves freely).
 *   `discard_row` drops the whole record (root and child rows) and rolls back its schema changes.
 * - Works on a private copy of the given schema; `schema()` returns snapshots.
 * The parts: `RecordFlattener` (rows and values), `SchemaEvolution` (tables, columns, variants, name claims,
 * undo), `SchemaVersions` (snapshots and versions); this class binds resources and hands rows to the sink.
 */
export class Normalizer {
  private readonly maxLength: number;
  private readonly versions: SchemaVersions;
  private readonly evolution: SchemaEvolution;
  private readonly flattener: RecordFlattener;
  private readonly bindings = new Map<string, ResourceBinding>();
  private readonly stored: StoredSchema;

  /** `from` goes on with another normalizer's package (`continuation()`); `schema` is then ignored. */
  constructor(
    schema: StoredSchema | null,
    schemaName: string,
    options: NormalizerOptions,
    from?: NormalizerContinuation,
  ) {
    this.maxLength = options.maxIdentifierLength;
    const stored: StoredSchema =
      from !== undefined
        ? cloneSchema(from.stored)
        : schema === null
          ? { name: schemaName, version: 0, version_hash: "", tables: {} }
          : { ...cloneSchema(schema), name: schemaName };
    this.stored = stored;
    this.versions = new SchemaVersions(stored, from?.versions);
    this.evolution = new SchemaEvolution(stored, this.versions, this.maxLength, from?.hadData);
    this.flattener = new RecordFlattener(this.evolution, this.maxLength);
  }

  /** This normalizer's state for another one to go on from (between records; see NormalizerContinuation). */
  continuation(): NormalizerContinuation {
    return {
      stored: cloneSchema(this.stored),
      hadData: this.evolution.tablesWithData(),
      versions: this.versions.position(),
    };
  }

  /** True if the schema changed since construction (or since `markClean()`). */
  get changed(): boolean {
    return this.versions.changed;
  }

  markClean(): void {
    this.versions.markClean();
  }

  /** Current schema snapshot; `version` bumped and `version_hash` recomputed if anything changed. */
  schema(): StoredSchema {
    return this.versions.snapshot();
  }

  /**
   * Declares a resource before its records. Creates the root table (with hinted columns) unless the
   * `tables` contract forbids new tables, in which case the first record decides (error or discard).
   * Returns the root table's normalized name. Idempotent.
   */
  registerResource(resourceName: string, hints: ResourceHints): string {
    const tableName = normalizeTableName(hints.table_name ?? resourceName, this.maxLength);
    const contract = resolveContract(hints.schema_contract);
    const table = this.evolution.openRootTable(resourceName, tableName, hints, contract);
    this.bindings.set(resourceName, { tableName, contract, table });
    return tableName;
  }

  /**
   * Normalizes one record into rows (root table first, then child tables), calling `sink` for each.
   * Returns false when a `discard_row` contract dropped the record; throws SchemaContractError on `freeze`.
   */
  normalize(resourceName: string, record: DataRecord, loadId: string, sink: RowSink): boolean {
    let binding = this.bindings.get(resourceName);
    if (binding === undefined) {
      this.registerResource(resourceName, {});
      binding = this.bindings.get(resourceName)!;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      // A bare value (or list) yielded as a record is stored like dlt does: as `{ value: … }`.
      record = { value: record };
    }
    const evolution = this.evolution;
    evolution.beginRecord();
    try {
      const root = binding.table;
      if (root === undefined) {
        // The new root table was refused: freeze throws; either discard mode drops the record, since a
        // record without its table has no value left to keep.
        decideChange(binding.contract, false, {
          resource: resourceName,
          table: binding.tableName,
          entity: "tables",
        });
        return false;
      }
      if (!this.flattener.flattenRecord(root, record, loadId)) {
        evolution.rollback();
        return false;
      }
      const { tables, rows, length } = this.flattener.rows;
      for (let i = 0; i < length; i++) {
        const table = tables[i]!;
        const row = rows[i]!;
        if (!table.emitted) evolution.markSeen(table);
        if ((++table.rows & 255) === 0) sampleDensity(table, row);
        sink(table.name, row);
      }
      return true;
    } catch (err) {
      evolution.rollback();
      throw err;
    }
  }
}
