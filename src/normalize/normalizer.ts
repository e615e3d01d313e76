import { SluiceError } from "../core/errors.js";
import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import { resolveWriteDisposition } from "../core/resource.js";
import { SYSTEM_COLUMNS, VALUE_COLUMN, VARIANT_INFIX } from "../core/system-names.js";
import { type ResolvedContract, resolveContract, SchemaContractError } from "../schema/contract.js";
import * as infer from "../schema/infer.js";
import {
  joinPath,
  normalizeIdentifier,
  normalizeTableName,
  PATH_SEPARATOR,
  shortenIdentifier,
} from "../schema/naming.js";
import { own } from "../schema/tree.js";
import type { ColumnSchema, DataType, StoredSchema } from "../schema/types.js";
import { cloneSchema, schemaContentHash } from "../schema/version.js";
import { applyColumnHint, applyTableHints, columnFromHint, hintMap } from "./resource-hints.js";
import { childRowId as childRowIdImported, contentId, primaryKeyId, RootIdGenerator } from "./row-ids.js";
import {
  addSystemColumns,
  createTableState,
  DEFAULT_MAX_NESTING,
  inheritRoot,
  type KeyState,
  type NodeState,
  rowFactory,
  sampleDensity,
  type TableState,
} from "./table-state.js";

export interface NormalizerOptions {
  /** Destination capability: longest identifier; longer names are shortened with a stable hash suffix. */
  maxIdentifierLength: number;
}

export type RowSink = (table: string, row: Record<string, unknown>) => void;

// Module-local copies: when these modules run as CommonJS (tsx compiles a .ts file loaded from outside a
// `"type": "module"` package that way), each imported binding is a getter call; measured at ~2x overall.
const NO_FIT = infer.NO_FIT;
const coerce = infer.coerce;
const inferType = infer.inferType;
const parseTimestamp = infer.parseTimestamp;
const parseDate = infer.parseDate;
const childRowId = childRowIdImported;

interface ResourceBinding {
  readonly resource: string;
  readonly tableName: string;
  readonly hints: ResourceHints;
  readonly contract: ResolvedContract;
  table: TableState | undefined;
}

type Undo = () => void;

/**
 * Turns records into rows of a root table and its child tables, evolving the schema as it goes (DESIGN §4;
 * naming rules in src/schema/naming.ts, inference and coercion in src/schema/infer.ts). Decisions:
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
 */
export class Normalizer {
  private readonly stored: StoredSchema;
  private readonly maxLen: number;
  private readonly tables = new Map<string, TableState>();
  private readonly bindings = new Map<string, ResourceBinding>();
  private readonly preexisting: ReadonlySet<string>;
  /** Tables of the schema this normalizer started from. */
  private readonly given: ReadonlySet<string>;
  private readonly ids = new RootIdGenerator();
  /** Rows of the current record: table, row, table, row, … (flushed when the record is kept). */
  private readonly out: unknown[] = [];
  private outLen = 0;
  private undo: Undo[] = [];
  private discard = false;
  private dirty = false;
  /** Set by `claim` when it recorded a new claim (so a refused column can release it). */
  private freshClaim = false;
  /** Bumped when hints or the schema change in ways cached per-key answers depend on. */
  private gen = 0;
  private lastHash: string;
  private baselineHash: string;

  constructor(schema: StoredSchema | null, schemaName: string, options: NormalizerOptions) {
    this.maxLen = options.maxIdentifierLength;
    this.stored =
      schema === null
        ? { name: schemaName, version: 0, version_hash: "", tables: {} }
        : { ...cloneSchema(schema), name: schemaName };
    const seen = new Set<string>();
    for (const [name, t] of Object.entries(this.stored.tables)) if (t.seen_data === true) seen.add(name);
    this.preexisting = seen;
    this.given = new Set(Object.keys(this.stored.tables));
    this.lastHash = schemaContentHash(this.visible());
    if (this.stored.version_hash === "") this.stored.version_hash = this.lastHash;
    this.baselineHash = this.lastHash;
  }

  /** True if the schema changed since construction (or since `markClean()`). */
  get changed(): boolean {
    if (!this.dirty && this.lastHash === this.baselineHash) return false;
    return schemaContentHash(this.visible()) !== this.baselineHash;
  }

  markClean(): void {
    this.baselineHash = schemaContentHash(this.visible());
  }

  /**
   * The schema as published: as in dlt, a table exists once it has had a row, so a resource that yields
   * nothing (column hints or not) adds no table to the schema, the package or the destination. Tables of
   * the given schema stay (a replace with no rows must still empty them).
   */
  private visible(): StoredSchema {
    const tables: StoredSchema["tables"] = {};
    for (const [name, t] of Object.entries(this.stored.tables))
      if (t.seen_data === true || this.given.has(name)) tables[name] = t;
    return { ...this.stored, tables };
  }

  /** Current schema snapshot; `version` bumped and `version_hash` recomputed if anything changed. */
  schema(): StoredSchema {
    if (this.dirty) {
      const hash = schemaContentHash(this.visible());
      if (hash !== this.lastHash) {
        this.stored.version += 1;
        this.stored.version_hash = hash;
        this.lastHash = hash;
      }
      this.dirty = false;
    }
    return cloneSchema(this.visible());
  }

  /**
   * Declares a resource before its records. Creates the root table (with hinted columns) unless the
   * `tables` contract forbids new tables, in which case the first record decides (error or discard).
   * Returns the root table's normalized name. Idempotent.
   */
  registerResource(resourceName: string, hints: ResourceHints): string {
    this.gen++;
    const tableName = normalizeTableName(hints.table_name ?? resourceName, this.maxLen);
    const contract = resolveContract(hints.schema_contract);
    const binding: ResourceBinding = { resource: resourceName, tableName, hints, contract, table: undefined };
    this.bindings.set(resourceName, binding);
    if (own(this.stored.tables, tableName) !== undefined || contract.tables === "evolve") {
      binding.table = this.openRootTable(binding);
    }
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
    this.discard = false;
    this.outLen = 0;
    if (this.undo.length > 0) this.undo = [];
    try {
      let table = binding.table;
      if (table === undefined) {
        if (binding.contract.tables === "freeze") {
          throw new SchemaContractError({
            resource: resourceName,
            table: binding.tableName,
            entity: "tables",
          });
        }
        return false;
      }
      this.normalizeRoot(table, record, loadId);
      if (this.discard) {
        this.rollback();
        return false;
      }
      const out = this.out;
      const n = this.outLen;
      for (let i = 0; i < n; i += 2) {
        table = out[i] as TableState;
        if (!table.emitted) this.markSeen(table);
        const row = out[i + 1] as Record<string, unknown>;
        if ((++table.rows & 255) === 0) sampleDensity(table, row);
        sink(table.name, row);
      }
      this.outLen = 0;
      return true;
    } catch (err) {
      this.rollback();
      throw err;
    }
  }

  // ---- tables -------------------------------------------------------------------------------------

  private openRootTable(binding: ResourceBinding): TableState {
    const { hints, tableName } = binding;
    const wd = resolveWriteDisposition(hints.write_disposition);
    let schema = own(this.stored.tables, tableName);
    if (schema === undefined) {
      schema = {
        name: tableName,
        resource: binding.resource,
        write_disposition: wd.disposition,
        columns: {},
      };
      this.stored.tables[tableName] = schema;
      addSystemColumns(schema, false);
      this.dirty = true;
    }
    applyTableHints(this.stored, schema, binding.resource, hints, wd);
    // Hash comparison in schema() decides whether anything really changed.
    this.dirty = true;
    const columnHints = hintMap(hints, this.maxLen);
    let state = this.tables.get(tableName);
    if (state === undefined) {
      state = createTableState(schema, 0, undefined, !this.preexisting.has(tableName));
      this.tables.set(tableName, state);
    }
    state.contract = binding.contract;
    state.maxNesting = hints.max_table_nesting ?? DEFAULT_MAX_NESTING;
    state.hints = columnHints;
    state.resource = binding.resource;
    state.primaryKey = [];
    state.required = [];
    for (const [name, h] of columnHints) {
      if (h.primary_key === true) state.primaryKey.push(name);
      if (h.nullable === false || (h.nullable === undefined && h.primary_key === true))
        state.required.push(name);
    }
    state.idMode =
      wd.strategy === "scd2"
        ? "content"
        : wd.disposition === "merge" && state.primaryKey.length > 0
          ? "primary_key"
          : "random";
    for (const [name, hint] of columnHints) applyColumnHint(schema, name, hint);
    state.newRow = undefined;
    // Child tables inherit the root's settings.
    for (const t of this.tables.values()) if (t.root === state && t !== state) inheritRoot(t, state);
    return state;
  }

  private markSeen(table: TableState): void {
    table.emitted = true;
    if (table.schema.seen_data !== true) {
      table.schema.seen_data = true;
      this.dirty = true;
    }
  }

  // ---- records ------------------------------------------------------------------------------------

  private normalizeRoot(table: TableState, record: DataRecord, loadId: string): void {
    const row = table.dense ? (table.newRow ?? this.buildRowFactory(table))() : {};
    row[SYSTEM_COLUMNS.loadId] = loadId;
    row[SYSTEM_COLUMNS.id] = "";
    const outIndex = this.outLen;
    this.emit(table, row);
    const lists = this.flatten(table.node, record, row, undefined);
    if (this.discard) return;
    const required = table.required;
    for (let i = 0; i < required.length; i++)
      if (row[required[i]!] == null) throw missingRequiredValue(table, required[i]!, record);
    let id: string;
    if (table.idMode === "random") id = this.ids.next();
    else if (table.idMode === "primary_key") id = primaryKeyId(row, table.primaryKey) ?? this.ids.next();
    else id = contentId(row);
    row[SYSTEM_COLUMNS.id] = id;
    if (lists !== undefined) this.emitLists(lists, id, id);
    if (this.discard) this.outLen = outIndex;
  }

  /**
   * Writes the scalar fields of `obj` into `row`, flattening nested objects; returns the lists found
   * (key state, value pairs) for the caller to expand once the row's id is known.
   */
  private flatten(
    node: NodeState,
    obj: Record<string, unknown>,
    row: Record<string, unknown>,
    lists: unknown[] | undefined,
  ): unknown[] | undefined {
    const order = node.order;
    let i = 0;
    for (const key in obj) {
      // Records of one resource mostly repeat their key order: try the key state seen at this position
      // (an identity check on interned key strings) before the map lookup.
      let ks = order[i];
      if (ks === undefined || ks.key !== key) {
        ks = node.keys.get(key) ?? this.newKey(node, key);
        order[i] = ks;
      }
      i++;
      const v = obj[key];
      if (v === null || v === undefined) continue;
      if (typeof v !== "object") {
        this.put(ks, v, row);
      } else if (Array.isArray(v)) {
        if (this.isJsonTarget(ks)) this.put(ks, v, row);
        else if (v.length > 0) {
          if (lists === undefined) lists = [];
          lists.push(ks, v);
        }
      } else if (v instanceof Date || this.isJsonTarget(ks)) {
        this.put(ks, v, row);
      } else {
        let child = ks.child;
        if (child === undefined) child = ks.child = this.childNode(ks);
        lists = this.flatten(child, v as Record<string, unknown>, row, lists);
      }
      if (this.discard) return lists;
    }
    return lists;
  }

  private emitLists(lists: unknown[], parentId: string, rootId: string): void {
    for (let i = 0; i < lists.length; i += 2) {
      const ks = lists[i] as KeyState;
      const items = lists[i + 1] as unknown[];
      let child = ks.list;
      if (child === undefined) {
        const created = this.childTable(ks);
        if (created === undefined) {
          if (this.discard) return;
          continue;
        }
        child = created;
      }
      const field = ks.field!;
      const valueKey = child.node.keys.get(VALUE_COLUMN) ?? this.newKey(child.node, VALUE_COLUMN);
      for (let idx = 0; idx < items.length; idx++) {
        const item = items[idx];
        const id = childRowId(parentId, field, idx);
        const row: Record<string, unknown> = child.dense
          ? (child.newRow ?? this.buildRowFactory(child))()
          : {};
        row[SYSTEM_COLUMNS.parentId] = parentId;
        row[SYSTEM_COLUMNS.listIdx] = idx;
        row[SYSTEM_COLUMNS.id] = id;
        row[SYSTEM_COLUMNS.rootId] = rootId;
        this.emit(child, row);
        let nested: unknown[] | undefined;
        if (item === null || item === undefined) {
          // keeps the list position; no value column is created for nulls
        } else if (typeof item !== "object" || item instanceof Date) {
          this.put(valueKey, item, row);
        } else if (Array.isArray(item)) {
          if (this.isJsonTarget(valueKey)) this.put(valueKey, item, row);
          else if (item.length > 0) nested = [valueKey, item];
        } else {
          nested = this.flatten(child.node, item as Record<string, unknown>, row, undefined);
        }
        if (this.discard) return;
        if (nested !== undefined) {
          this.emitLists(nested, id, rootId);
          if (this.discard) return;
        }
      }
    }
  }

  private isJsonTarget(ks: KeyState): boolean {
    if (ks.jsonGen === this.gen) return ks.json;
    let json: boolean;
    if (ks.node.level >= ks.node.table.maxNesting) json = true;
    else {
      const col = ks.column ?? own(ks.node.table.schema.columns, ks.candidate);
      if (col !== undefined) json = col.data_type === "json";
      else json = ks.node.table.root.hints.get(ks.candidate)?.data_type === "json";
    }
    ks.json = json;
    ks.jsonGen = this.gen;
    return json;
  }

  // ---- values -------------------------------------------------------------------------------------

  private put(ks: KeyState, v: unknown, row: Record<string, unknown>): void {
    const col = ks.column;
    if (col === undefined) {
      this.putNew(ks, v, row);
      return;
    }
    const t = typeof v;
    switch (col.data_type) {
      case "text":
        if (t === "string") {
          row[col.name] = v;
          return;
        }
        break;
      case "bigint":
        if (t === "number") {
          if (Number.isSafeInteger(v)) row[col.name] = v;
          else if (Number.isFinite(v)) this.putNonInteger(ks, col, v as number, row);
          return;
        }
        break;
      case "timestamp":
        if (t === "string") {
          const ts = parseTimestamp(v as string);
          if (ts !== null) {
            row[col.name] = ts;
            return;
          }
        }
        break;
      case "date":
        if (t === "string" && parseDate(v as string) !== null) {
          row[col.name] = v;
          return;
        }
        break;
      case "double":
        if (t === "number") {
          if (Number.isFinite(v)) row[col.name] = v;
          return;
        }
        break;
      case "bool":
        if (t === "boolean") {
          row[col.name] = v;
          return;
        }
        break;
      case "decimal":
        if (!fitsDecimal(v, col)) {
          this.putVariant(ks, col, v, row);
          return;
        }
        break;
    }
    if (t === "number" && !Number.isFinite(v)) return;
    const c = coerce(v, col.data_type);
    if (c !== NO_FIT) {
      row[col.name] = c;
      return;
    }
    this.putVariant(ks, col, v, row);
  }

  /**
   * A bigint column meets a number that is not an int64 (4.5, 1e20). A numeric column seeing integral and
   * fractional values is a double column whatever the order (an API renders 4.0 as `4.0`, which JSON.parse
   * makes 4), so it widens to double (the destination alters the column) instead of opening a variant.
   * Hinted and key columns keep their type, and so do tables whose `data_type` contract forbids changes.
   */
  private putNonInteger(ks: KeyState, col: ColumnSchema, v: number, row: Record<string, unknown>): void {
    if (infer.isInt64Number(v)) row[col.name] = v;
    else if (this.widenToDouble(ks, col)) row[col.name] = v;
    else this.putVariant(ks, col, v, row);
  }

  private widenToDouble(ks: KeyState, col: ColumnSchema): boolean {
    const table = ks.node.table;
    if (col.primary_key === true || col.merge_key === true || col.variant === true) return false;
    if (table.root === table && table.hints.get(col.name)?.data_type !== undefined) return false;
    if (!table.fresh && table.root.contract.data_type !== "evolve") return false;
    col.data_type = "double";
    this.dirty = true;
    this.gen++;
    this.undo.push(() => {
      col.data_type = "bigint";
    });
    return true;
  }

  private putNew(ks: KeyState, v: unknown, row: Record<string, unknown>): void {
    if (typeof v === "number" && !Number.isFinite(v)) return;
    const table = ks.node.table;
    this.freshClaim = false;
    const name = ks.name ?? this.claimName(ks);
    const claimedNow = this.freshClaim;
    const existing = own(table.schema.columns, name);
    if (existing !== undefined) {
      ks.column = existing;
      this.undo.push(() => {
        ks.column = undefined;
      });
      this.put(ks, v, row);
      return;
    }
    const hint = table.root === table ? table.hints.get(name) : undefined;
    const dataType = hint?.data_type ?? inferType(v);
    if (dataType === null) return;
    if (!table.fresh && table.root.contract.columns !== "evolve") {
      const mode = table.root.contract.columns;
      if (mode === "freeze") {
        throw new SchemaContractError({
          resource: table.resource,
          table: table.name,
          column: name,
          entity: "columns",
          dataType,
        });
      }
      if (mode === "discard_row") this.discard = true;
      // A refused column must not leave its name claimed in the schema.
      if (claimedNow) {
        this.unclaim(table, name);
        ks.name = undefined;
      }
      return;
    }
    const col =
      hint === undefined ? newColumn(name, dataType, v, false) : columnFromHint(name, dataType, hint);
    this.addColumn(table, col);
    ks.column = col;
    this.undo.push(() => {
      ks.column = undefined;
    });
    this.put(ks, v, row);
  }

  private putVariant(ks: KeyState, base: ColumnSchema, v: unknown, row: Record<string, unknown>): void {
    const vt = inferType(v);
    if (vt === null) return;
    let col = ks.variants?.[vt];
    if (col === undefined) {
      const table = ks.node.table;
      this.freshClaim = false;
      const name = this.claim(
        table,
        shortenIdentifier(`${base.name}${VARIANT_INFIX}${vt}`, this.maxLen),
        `${ks.ident}#${vt}`,
      );
      const claimedNow = this.freshClaim;
      col = own(table.schema.columns, name);
      if (col === undefined) {
        if (!table.fresh && table.root.contract.data_type !== "evolve") {
          const mode = table.root.contract.data_type;
          if (mode === "freeze") {
            throw new SchemaContractError({
              resource: table.resource,
              table: table.name,
              column: base.name,
              entity: "data_type",
              dataType: vt,
              existingType: base.data_type,
            });
          }
          if (mode === "discard_row") this.discard = true;
          if (claimedNow) this.unclaim(table, name);
          return;
        }
        col = newColumn(name, vt, v, true);
        this.addColumn(table, col);
      }
      if (ks.variants === undefined) ks.variants = {};
      const variants = ks.variants;
      variants[vt] = col;
      this.undo.push(() => {
        delete variants[vt];
      });
    }
    const t = typeof v;
    if (
      vt === "double" ||
      vt === "bool" ||
      (vt === "text" && t === "string") ||
      (vt === "bigint" && t === "number")
    ) {
      row[col.name] = v;
      return;
    }
    const c = coerce(v, col.data_type);
    if (c !== NO_FIT) row[col.name] = c;
  }

  private addColumn(table: TableState, col: ColumnSchema): void {
    const columns = table.schema.columns;
    columns[col.name] = col;
    table.newRow = undefined;
    this.dirty = true;
    this.undo.push(() => {
      delete columns[col.name];
      table.newRow = undefined;
    });
  }

  private buildRowFactory(table: TableState): () => Record<string, unknown> {
    const factory = rowFactory(table.schema);
    table.newRow = factory;
    return factory;
  }

  // ---- names --------------------------------------------------------------------------------------

  private newKey(node: NodeState, key: string): KeyState {
    const segment = normalizeIdentifier(key);
    const ks: KeyState = {
      key,
      node,
      ident: JSON.stringify([...node.path, key]),
      candidate: shortenIdentifier(joinPath(node.prefix, segment), this.maxLen),
      name: undefined,
      column: undefined,
      variants: undefined,
      child: undefined,
      list: undefined,
      field: undefined,
      json: false,
      jsonGen: -1,
    };
    node.keys.set(key, ks);
    return ks;
  }

  private childNode(ks: KeyState): NodeState {
    const node = ks.node;
    return {
      table: node.table,
      path: [...node.path, ks.key],
      prefix: joinPath(node.prefix, normalizeIdentifier(ks.key)),
      level: node.level + 1,
      keys: new Map(),
      order: [],
    };
  }

  private claimName(ks: KeyState): string {
    const name = this.claim(ks.node.table, ks.candidate, ks.ident);
    ks.name = name;
    this.undo.push(() => {
      ks.name = undefined;
    });
    return name;
  }

  /**
   * Resolves `candidate` for the source identity `ident` in a table's namespace: the first identity to
   * claim a name keeps it (recorded in the schema, so reruns agree); later ones get `_1`, `_2`, ….
   */
  private claim(table: TableState, candidate: string, ident: string): string {
    if (table.schema.source_names === undefined) table.schema.source_names = {};
    const claims = table.schema.source_names;
    let name = candidate;
    for (let i = 1; ; i++) {
      const owner = own(claims, name);
      if (owner === ident) return name;
      if (owner === undefined) {
        claims[name] = ident;
        this.dirty = true;
        this.freshClaim = true;
        const claimed = name;
        this.undo.push(() => {
          delete claims[claimed];
        });
        return name;
      }
      name = shortenIdentifier(`${candidate}_${i}`, this.maxLen);
    }
  }

  private unclaim(table: TableState, name: string): void {
    const claims = table.schema.source_names;
    if (claims !== undefined) delete claims[name];
  }

  private childTable(ks: KeyState): TableState | undefined {
    const parent = ks.node.table;
    this.freshClaim = false;
    const field =
      ks.field ??
      this.claim(
        parent,
        shortenIdentifier(joinPath(ks.node.prefix, normalizeIdentifier(ks.key)), this.maxLen),
        ks.ident,
      );
    const claimedNow = this.freshClaim;
    ks.field = field;
    const name = shortenIdentifier(`${parent.name}${PATH_SEPARATOR}${field}`, this.maxLen);
    let state = this.tables.get(name);
    if (state === undefined) {
      let schema = own(this.stored.tables, name);
      if (schema === undefined) {
        const mode = parent.root.contract.tables;
        if (mode !== "evolve") {
          if (mode === "freeze") {
            throw new SchemaContractError({ resource: parent.resource, table: name, entity: "tables" });
          }
          if (mode === "discard_row") this.discard = true;
          if (claimedNow) {
            this.unclaim(parent, field);
            ks.field = undefined;
          }
          return undefined;
        }
        schema = {
          name,
          parent: parent.name,
          resource: parent.root.schema.resource,
          write_disposition: parent.root.schema.write_disposition,
          columns: {},
        };
        addSystemColumns(schema, true);
        const tables = this.stored.tables;
        tables[name] = schema;
        this.dirty = true;
        this.undo.push(() => {
          delete tables[name];
        });
      }
      state = createTableState(schema, ks.node.level + 1, parent, !this.preexisting.has(name));
      this.tables.set(name, state);
      const created = state;
      this.undo.push(() => {
        if (this.tables.get(name) === created) this.tables.delete(name);
      });
    }
    ks.list = state;
    this.undo.push(() => {
      ks.list = undefined;
    });
    return state;
  }

  private rollback(): void {
    this.gen++;
    const undo = this.undo;
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
    this.undo = [];
    this.outLen = 0;
  }

  /** Buffers a row of the current record; the buffer is reused across records, slots overwritten. */
  private emit(table: TableState, row: Record<string, unknown>): void {
    const out = this.out;
    out[this.outLen++] = table;
    out[this.outLen++] = row;
  }
}

/** An inferred column; a decimal inferred from an integer beyond int64 holds integers only (38,0). */
function newColumn(name: string, dataType: DataType, v: unknown, variant: boolean): ColumnSchema {
  const col: ColumnSchema = { name, data_type: dataType, nullable: true };
  if (dataType === "decimal" && typeof v === "bigint") {
    col.precision = infer.BIGINT_DECIMAL.precision;
    col.scale = infer.BIGINT_DECIMAL.scale;
  }
  if (variant) col.variant = true;
  return col;
}

/** Exact integers must fit the column's integer digits; an integer-only decimal takes no fraction. */
function fitsDecimal(v: unknown, col: ColumnSchema): boolean {
  if (typeof v === "bigint") return infer.bigintFitsDecimal(v, col.precision, col.scale);
  if (typeof v === "number" && col.scale === 0) return Number.isInteger(v);
  return true;
}

/**
 * A row without a value for a key or a `nullable: false` column would break merges (or the destination's
 * NOT NULL) only at load time; refusing it here names the record and loads nothing of the package.
 */
function missingRequiredValue(table: TableState, column: string, record: DataRecord): SluiceError {
  const isKey = table.primaryKey.includes(column);
  const present = Object.keys(record).slice(0, 12).join(", ");
  return new SluiceError(
    `resource "${table.resource}": a record has no value for ${isKey ? "primary key" : "required"} column "${column}" of table "${table.name}" (record keys: ${present || "none"}; a value that does not fit the column's type goes to a variant column and counts as missing)`,
    {
      code: "REQUIRED_VALUE_MISSING",
      hint: isKey
        ? `Every record of a table with a primary key needs one: check primary_key (a nested field is written "parent__child"), or fix the source.`
        : `Declare the column nullable (columns: { ${column}: { nullable: true } }) or fix the source.`,
    },
  );
}
