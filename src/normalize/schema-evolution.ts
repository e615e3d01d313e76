import type { ResourceHints } from "../core/resource.js";
import { resolveWriteDisposition } from "../core/resource.js";
import { VARIANT_INFIX } from "../core/system-names.js";
import {
  type ContractVerdict,
  decideChange,
  governingMode,
  type ResolvedContract,
} from "../schema/contract.js";
import { inferType } from "../schema/infer.js";
import { PATH_SEPARATOR, shortenIdentifier } from "../schema/naming.js";
import { own } from "../schema/tree.js";
import type { ColumnSchema, DataType, StoredSchema, TableSchema } from "../schema/types.js";
import { newColumn } from "./coercion.js";
import { resolveName } from "./name-claims.js";
import { requiredColumns } from "./required-values.js";
import {
  applyColumnHint,
  applyTableHints,
  columnFromHint,
  hintMap,
  primaryKeyColumns,
} from "./resource-hints.js";
import { rootIdMode } from "./row-ids.js";
import type { SchemaVersions } from "./schema-versions.js";
import {
  addSystemColumns,
  type ChildList,
  createTableState,
  DEFAULT_MAX_NESTING,
  inheritRoot,
  type KeyState,
  type TableState,
} from "./table-state.js";
import { UndoLog } from "./undo-log.js";

/** A change the contract refused: the record or just the value is dropped. */
export type Refusal = Exclude<ContractVerdict, "evolve">;

/**
 * Every change the normalizer makes to its schema: root and child tables, columns, variant columns,
 * widened types and the name claims behind them. New tables, columns and variants are put to the contract
 * (`decideChange`) before anything is recorded, so a refused change leaves nothing to release; allowed
 * changes inside a record are logged for undo, so a record that is dropped or fails leaves no trace.
 */
export class SchemaEvolution {
  /** Runtime state of every table met so far, by name. */
  readonly tables = new Map<string, TableState>();
  /** Bumped when hints or column types change, which cached per-key answers (`KeyState.json`) depend on. */
  gen = 0;
  /** Tables that had seen data before this normalizer: contracts on columns and data types apply to them. */
  private readonly hadData: ReadonlySet<string>;
  private readonly undo = new UndoLog();

  constructor(
    private readonly stored: StoredSchema,
    private readonly versions: SchemaVersions,
    private readonly maxLength: number,
    /** Given when going on with another normalizer's package: the tables that had data before it. */
    hadData?: readonly string[],
  ) {
    this.hadData = new Set(
      hadData ?? Object.entries(stored.tables).flatMap(([name, t]) => (t.seen_data === true ? [name] : [])),
    );
  }

  /** The tables contracts on columns and data types apply to (see `hadData`). */
  tablesWithData(): string[] {
    return [...this.hadData];
  }

  /** Starts a record: the changes of the previous (kept) record stay. */
  beginRecord(): void {
    this.undo.clear();
  }

  /** Reverses the schema changes of the current record. */
  rollback(): void {
    this.gen++;
    this.undo.rollback();
  }

  /**
   * The root table of a resource, created with its hinted columns or updated with the resource's hints,
   * or undefined when the table is new and the `tables` contract does not let it evolve (the resource's
   * first record then meets the contract). Runs between records, so nothing is logged for undo.
   */
  openRootTable(
    resource: string,
    tableName: string,
    hints: ResourceHints,
    contract: ResolvedContract,
  ): TableState | undefined {
    this.gen++;
    let schema = own(this.stored.tables, tableName);
    if (schema === undefined && governingMode(contract, "tables", false) !== "evolve") return undefined;
    const wd = resolveWriteDisposition(hints.write_disposition);
    if (schema === undefined) {
      schema = { name: tableName, resource, write_disposition: wd.disposition, columns: {} };
      this.stored.tables[tableName] = schema;
      addSystemColumns(schema, false);
    }
    applyTableHints(this.stored, schema, resource, hints, wd);
    // The content hash decides whether the hints changed anything.
    this.versions.touch();
    const columnHints = hintMap(hints, this.maxLength);
    let state = this.tables.get(tableName);
    if (state === undefined) {
      state = createTableState(schema, 0, undefined, !this.hadData.has(tableName));
      this.tables.set(tableName, state);
    }
    state.contract = contract;
    state.maxNesting = hints.max_table_nesting ?? DEFAULT_MAX_NESTING;
    state.hints = columnHints;
    state.resource = resource;
    state.primaryKey = primaryKeyColumns(columnHints);
    state.required = requiredColumns(columnHints);
    state.idMode = rootIdMode(wd, state.primaryKey);
    for (const [name, hint] of columnHints) applyColumnHint(schema, name, hint);
    state.newRow = undefined;
    // Child tables inherit the root's settings.
    for (const t of this.tables.values()) if (t.root === state && t !== state) inheritRoot(t, state);
    return state;
  }

  /** A table's first row: from now on it is part of the published schema. */
  markSeen(table: TableState): void {
    table.emitted = true;
    if (table.schema.seen_data !== true) {
      table.schema.seen_data = true;
      this.versions.touch();
    }
  }

  /**
   * The column for a key's first value: the column of its name if the table has one, else a new column
   * typed by the table's hint or by `v`, if the contract allows it.
   */
  columnFor(ks: KeyState, v: unknown): ColumnSchema | Refusal {
    const table = ks.node.table;
    const claims = this.claimsOf(table.schema);
    const name = resolveName(claims, ks.candidate, ks.ident, this.maxLength);
    let col = own(table.schema.columns, name);
    if (col === undefined) {
      const hint = table.root === table ? table.hints.get(name) : undefined;
      const dataType = hint?.data_type ?? inferType(v);
      // Null and undefined make no column (callers skip them before).
      if (dataType === null) return "discard_value";
      const verdict = decideChange(table.root.contract, !table.fresh, {
        resource: table.resource,
        table: table.name,
        column: name,
        entity: "columns",
        dataType,
      });
      if (verdict !== "evolve") return verdict;
      col = hint === undefined ? newColumn(name, dataType, v, false) : columnFromHint(name, dataType, hint);
      this.addColumn(table, col);
    }
    this.claim(claims, name, ks.ident);
    ks.column = col;
    this.undo.push(() => {
      ks.column = undefined;
    });
    return col;
  }

  /** The variant column `<base>__v_<vt>` for a value of type `vt` that does not fit `base`, if allowed. */
  variantFor(ks: KeyState, base: ColumnSchema, vt: DataType, v: unknown): ColumnSchema | Refusal {
    const table = ks.node.table;
    const claims = this.claimsOf(table.schema);
    const ident = `${ks.ident}#${vt}`;
    const candidate = shortenIdentifier(`${base.name}${VARIANT_INFIX}${vt}`, this.maxLength);
    const name = resolveName(claims, candidate, ident, this.maxLength);
    let col = own(table.schema.columns, name);
    if (col === undefined) {
      const verdict = decideChange(table.root.contract, !table.fresh, {
        resource: table.resource,
        table: table.name,
        column: base.name,
        entity: "data_type",
        dataType: vt,
        existingType: base.data_type,
      });
      if (verdict !== "evolve") return verdict;
      col = newColumn(name, vt, v, true);
      this.addColumn(table, col);
    }
    this.claim(claims, name, ident);
    if (ks.variants === undefined) ks.variants = {};
    const variants = ks.variants;
    variants[vt] = col;
    this.undo.push(() => {
      delete variants[vt];
    });
    return col;
  }

  /**
   * The child table for lists under `ks` (`<table>__<field>`, the field claimed in the parent's namespace
   * like a column name), created if the `tables` contract allows it.
   */
  childListFor(ks: KeyState): ChildList | Refusal {
    const parent = ks.node.table;
    const claims = this.claimsOf(parent.schema);
    const field = resolveName(claims, ks.candidate, ks.ident, this.maxLength);
    const name = shortenIdentifier(`${parent.name}${PATH_SEPARATOR}${field}`, this.maxLength);
    let table = this.tables.get(name);
    if (table === undefined) {
      let schema = own(this.stored.tables, name);
      if (schema === undefined) {
        const verdict = decideChange(parent.root.contract, !parent.fresh, {
          resource: parent.resource,
          table: name,
          entity: "tables",
        });
        if (verdict !== "evolve") return verdict;
        schema = this.addChildTable(parent, name);
      }
      const created = createTableState(schema, ks.node.level + 1, parent, !this.hadData.has(name));
      this.tables.set(name, created);
      this.undo.push(() => {
        if (this.tables.get(name) === created) this.tables.delete(name);
      });
      table = created;
    }
    this.claim(claims, field, ks.ident);
    const list: ChildList = { table, field };
    ks.list = list;
    this.undo.push(() => {
      ks.list = undefined;
    });
    return list;
  }

  /**
   * A bigint column meets a number that is not an int64 (4.5, 1e20). A numeric column seeing integral and
   * fractional values is a double column whatever the order (an API renders 4.0 as `4.0`, which JSON.parse
   * makes 4), so it widens to double (the destination alters the column) instead of opening a variant.
   * Hinted and key columns keep their type, and so do tables whose `data_type` contract forbids changes.
   */
  widenToDouble(ks: KeyState, col: ColumnSchema): boolean {
    const table = ks.node.table;
    if (col.primary_key === true || col.merge_key === true || col.variant === true) return false;
    if (table.root === table && table.hints.get(col.name)?.data_type !== undefined) return false;
    if (governingMode(table.root.contract, "data_type", !table.fresh) !== "evolve") return false;
    col.data_type = "double";
    this.versions.touch();
    this.gen++;
    this.undo.push(() => {
      col.data_type = "bigint";
    });
    return true;
  }

  /** A table's name claims; an empty record of them is part of the schema once a name was looked up. */
  private claimsOf(schema: TableSchema): Record<string, string> {
    if (schema.source_names === undefined) {
      schema.source_names = {};
      this.versions.touch();
    }
    return schema.source_names;
  }

  /** Records that `ident` owns `name` (a name `resolveName` gave it). */
  private claim(claims: Record<string, string>, name: string, ident: string): void {
    if (own(claims, name) === ident) return;
    claims[name] = ident;
    this.versions.touch();
    this.undo.push(() => {
      delete claims[name];
    });
  }

  private addColumn(table: TableState, col: ColumnSchema): void {
    const columns = table.schema.columns;
    columns[col.name] = col;
    table.newRow = undefined;
    this.versions.touch();
    this.undo.push(() => {
      delete columns[col.name];
      table.newRow = undefined;
    });
  }

  private addChildTable(parent: TableState, name: string): TableSchema {
    const schema: TableSchema = {
      name,
      parent: parent.name,
      resource: parent.root.schema.resource,
      write_disposition: parent.root.schema.write_disposition,
      columns: {},
    };
    addSystemColumns(schema, true);
    const tables = this.stored.tables;
    tables[name] = schema;
    this.versions.touch();
    this.undo.push(() => {
      delete tables[name];
    });
    return schema;
  }
}
