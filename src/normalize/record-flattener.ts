import type { DataRecord } from "../core/json.js";
import { SYSTEM_COLUMNS, VALUE_COLUMN } from "../core/system-names.js";
import * as infer from "../schema/infer.js";
import { own } from "../schema/tree.js";
import type { ColumnSchema } from "../schema/types.js";
import * as coercion from "./coercion.js";
import * as required from "./required-values.js";
import * as rowIds from "./row-ids.js";
import type { SchemaEvolution } from "./schema-evolution.js";
import type { KeyState, NodeState, TableState } from "./table-state.js";
import * as tableState from "./table-state.js";

// Module-local copies: when these modules run as CommonJS (tsx compiles a .ts file loaded from outside a
// `"type": "module"` package that way), each imported binding is a getter call; measured at ~2x overall.
// `put` calls the two date parsers through the namespace instead: as ESM that measured ~6% fewer
// instructions per record than local copies (V8's inlining of `put` is sensitive to it).
const NO_FIT = infer.NO_FIT;
const inferType = infer.inferType;
const NOT_INT64 = coercion.NOT_INT64;
const SKIP = coercion.SKIP;
const convertValue = coercion.convertValue;
const fitVariant = coercion.fitVariant;
const missingRequired = required.missingRequired;
const childRowId = rowIds.childRowId;
const newRow = tableState.newRow;
const createKeyState = tableState.createKeyState;
const LOAD_ID = SYSTEM_COLUMNS.loadId;
const ID = SYSTEM_COLUMNS.id;
const PARENT_ID = SYSTEM_COLUMNS.parentId;
const LIST_IDX = SYSTEM_COLUMNS.listIdx;
const ROOT_ID = SYSTEM_COLUMNS.rootId;

type Row = Record<string, unknown>;

/** The rows of one record, root row first, in the order they are written; slots are reused across records. */
export class RecordRows {
  readonly tables: TableState[] = [];
  readonly rows: Row[] = [];
  length = 0;

  add(table: TableState, row: Row): void {
    this.tables[this.length] = table;
    this.rows[this.length++] = row;
  }
}

/**
 * Lists met while flattening a row, expanded once the row's id is known. One stack serves every level:
 * a row's lists sit above its parent's until they are expanded, so no list array is allocated per row.
 */
class PendingLists {
  readonly keys: KeyState[] = [];
  readonly items: unknown[][] = [];
  length = 0;

  push(ks: KeyState, items: unknown[]): void {
    this.keys[this.length] = ks;
    this.items[this.length++] = items;
  }
}

/**
 * Turns one record into rows: nested objects flatten into `a__b` columns of the same row, lists become
 * rows of child tables, each value is fitted to its column (a variant column takes values that do not
 * fit). New columns, variants and tables come from `SchemaEvolution`. Every step that a contract can stop
 * returns false when the record is to be dropped.
 */
export class RecordFlattener {
  readonly rows = new RecordRows();
  private readonly pending = new PendingLists();
  private readonly ids = new rowIds.RootIdGenerator();

  constructor(
    private readonly evolution: SchemaEvolution,
    private readonly maxLength: number,
  ) {}

  /**
   * Fills `rows` with the record's root row and child rows; false when a `discard_row` contract dropped
   * it. Throws SchemaContractError on `freeze`, and a REQUIRED_VALUE_MISSING error for a record without a
   * required value.
   */
  flattenRecord(table: TableState, record: DataRecord, loadId: string): boolean {
    this.rows.length = 0;
    this.pending.length = 0;
    const row = newRow(table);
    row[LOAD_ID] = loadId;
    // Placeholder, so the id stays the row's second key (it depends on the values flattened below).
    row[ID] = "";
    this.rows.add(table, row);
    if (!this.flatten(table.node, record, row)) return false;
    const missing = missingRequired(row, table.required);
    if (missing !== undefined) throw required.missingRequiredValue(table, missing, record);
    const id = this.ids.forRow(table.idMode, row, table.primaryKey);
    row[ID] = id;
    return this.pending.length === 0 || this.expandLists(0, id, id);
  }

  /** Writes the values of `obj` into `row`, flattening nested objects; lists wait in `pending`. */
  private flatten(node: NodeState, obj: Record<string, unknown>, row: Row): boolean {
    const order = node.order;
    let i = 0;
    for (const key in obj) {
      // Records of one resource mostly repeat their key order: try the key state seen at this position
      // (an identity check on interned key strings) before the map lookup.
      let ks = order[i];
      if (ks === undefined || ks.key !== key) {
        ks = node.keys.get(key) ?? createKeyState(node, key, this.maxLength);
        order[i] = ks;
      }
      i++;
      const v = obj[key];
      if (v === null || v === undefined) continue;
      if (typeof v !== "object") {
        if (!this.put(ks, v, row)) return false;
      } else if (Array.isArray(v)) {
        if (this.storesWhole(ks)) {
          if (!this.put(ks, v, row)) return false;
        } else if (v.length > 0) this.pending.push(ks, v);
      } else if (v instanceof Date || this.storesWhole(ks)) {
        if (!this.put(ks, v, row)) return false;
      } else {
        let child = ks.child;
        if (child === undefined) child = ks.child = tableState.createChildNode(ks);
        if (!this.flatten(child, v as Record<string, unknown>, row)) return false;
      }
    }
    return true;
  }

  /**
   * Writes the rows of the lists pending from `start` on (lists of `parentId`'s row) and, depth first, the
   * rows of lists inside their items; then drops them from `pending`.
   */
  private expandLists(start: number, parentId: string, rootId: string): boolean {
    const pending = this.pending;
    const end = pending.length;
    for (let i = start; i < end; i++) {
      const ks = pending.keys[i]!;
      const items = pending.items[i]!;
      let list = ks.list;
      if (list === undefined) {
        const found = this.evolution.childListFor(ks);
        if (found === "discard_row") return false;
        if (found === "discard_value") continue;
        list = found;
      }
      const { table, field } = list;
      const valueKey =
        table.node.keys.get(VALUE_COLUMN) ?? createKeyState(table.node, VALUE_COLUMN, this.maxLength);
      for (let idx = 0; idx < items.length; idx++) {
        const item = items[idx];
        const id = childRowId(parentId, field, idx);
        const row = newRow(table);
        row[PARENT_ID] = parentId;
        row[LIST_IDX] = idx;
        row[ID] = id;
        row[ROOT_ID] = rootId;
        this.rows.add(table, row);
        // A null item keeps its list position; nulls make no value column.
        if (item === null || item === undefined) continue;
        const mark = pending.length;
        if (typeof item !== "object" || item instanceof Date) {
          if (!this.put(valueKey, item, row)) return false;
        } else if (Array.isArray(item)) {
          if (this.storesWhole(valueKey)) {
            if (!this.put(valueKey, item, row)) return false;
          } else if (item.length > 0) pending.push(valueKey, item);
        } else if (!this.flatten(table.node, item as Record<string, unknown>, row)) return false;
        if (pending.length > mark && !this.expandLists(mark, id, rootId)) return false;
      }
    }
    pending.length = start;
    return true;
  }

  /**
   * Whether an object or list under `ks` is stored whole in a json column: at `max_table_nesting` (object
   * and list levels count alike, as in dlt), or when its column is (or is hinted) json. Cached per key
   * until the hints or column types change.
   */
  private storesWhole(ks: KeyState): boolean {
    const gen = this.evolution.gen;
    if (ks.jsonGen === gen) return ks.json;
    const table = ks.node.table;
    let json: boolean;
    if (ks.node.level >= table.maxNesting) json = true;
    else {
      const col = ks.column ?? own(table.schema.columns, ks.candidate);
      if (col !== undefined) json = col.data_type === "json";
      else json = table.root.hints.get(ks.candidate)?.data_type === "json";
    }
    ks.json = json;
    ks.jsonGen = gen;
    return json;
  }

  /**
   * Stores `v` in the key's column (or a variant of it); false when a contract drops the record. A value
   * of the column's own type is stored right here (timestamps normalized to UTC): this is the per-value
   * path, kept in one function that V8 inlines into the flattening loop; any other value goes through
   * `convertValue`.
   */
  private put(ks: KeyState, v: unknown, row: Row): boolean {
    const col = ks.column;
    if (col === undefined) return this.putNew(ks, v, row);
    const t = typeof v;
    switch (col.data_type) {
      case "text":
        if (t === "string") {
          row[col.name] = v;
          return true;
        }
        break;
      case "bigint":
        if (t === "number" && Number.isSafeInteger(v)) {
          row[col.name] = v;
          return true;
        }
        break;
      case "timestamp":
        if (t === "string") {
          const ts = infer.parseTimestamp(v as string);
          if (ts !== null) {
            row[col.name] = ts;
            return true;
          }
        }
        break;
      case "date":
        if (t === "string" && infer.parseDate(v as string) !== null) {
          row[col.name] = v;
          return true;
        }
        break;
      case "double":
        if (t === "number" && Number.isFinite(v)) {
          row[col.name] = v;
          return true;
        }
        break;
      case "bool":
        if (t === "boolean") {
          row[col.name] = v;
          return true;
        }
        break;
    }
    const converted = convertValue(col, v);
    // The outcomes without a value are symbols: one test keeps the common case short.
    if (typeof converted !== "symbol") {
      row[col.name] = converted;
      return true;
    }
    return this.putUnconverted(ks, col, v, converted, row);
  }

  private putUnconverted(ks: KeyState, col: ColumnSchema, v: unknown, why: symbol, row: Row): boolean {
    if (why === NOT_INT64 && this.evolution.widenToDouble(ks, col)) {
      row[col.name] = v;
      return true;
    }
    if (why === NO_FIT || why === NOT_INT64) return this.putVariant(ks, col, v, row);
    // SKIP, or a symbol the record itself holds (a json column takes values as they are).
    if (why !== SKIP) row[col.name] = why;
    return true;
  }

  private putNew(ks: KeyState, v: unknown, row: Row): boolean {
    // A value with no JSON form makes no column (an existing column skips it too).
    if (typeof v === "number" && !Number.isFinite(v)) return true;
    const col = this.evolution.columnFor(ks, v);
    if (col === "discard_row") return false;
    if (col === "discard_value") return true;
    return this.put(ks, v, row);
  }

  private putVariant(ks: KeyState, base: ColumnSchema, v: unknown, row: Row): boolean {
    const vt = inferType(v);
    if (vt === null) return true;
    let col = ks.variants?.[vt];
    if (col === undefined) {
      const found = this.evolution.variantFor(ks, base, vt, v);
      if (found === "discard_row") return false;
      if (found === "discard_value") return true;
      col = found;
    }
    const fitted = fitVariant(col, vt, v);
    if (fitted !== NO_FIT) row[col.name] = fitted;
    return true;
  }
}
