import type { ColumnHint } from "../core/resource.js";
import { SYSTEM_COLUMNS } from "../core/system-names.js";
import type { ResolvedContract } from "../schema/contract.js";
import { EVOLVE_ALL } from "../schema/contract.js";
import { joinPath, normalizeIdentifier, shortenIdentifier } from "../schema/naming.js";
import type { ColumnSchema, DataType, TableSchema } from "../schema/types.js";
import type { IdMode } from "./row-ids.js";

/** dlt's default: effectively unbounded. */
export const DEFAULT_MAX_NESTING = 1000;

/** Runtime view of one table: its schema plus caches for the per-record path. */
export interface TableState {
  readonly name: string;
  readonly schema: TableSchema;
  /** Root table of the tree (itself for roots). */
  root: TableState;
  /** Nesting level of this table's rows (root 0, child of root 1, …). */
  readonly level: number;
  readonly node: NodeState;
  /** Contracts on columns and data types are not applied to tables that had not seen data before this run. */
  readonly fresh: boolean;
  /** The following are read from the root table's state. */
  contract: ResolvedContract;
  maxNesting: number;
  idMode: IdMode;
  primaryKey: string[];
  /** Hinted columns that must hold a value in every row (`nullable: false`, or a primary key). */
  required: string[];
  /** Normalized column name → hint (root tables). */
  hints: Map<string, ColumnHint>;
  resource: string;
  emitted: boolean;
  /** Creates an empty row with every known column as a slot; rebuilt when columns change. */
  newRow: (() => Record<string, unknown>) | undefined;
  /** Whether rows fill most columns (sampled), so pre-shaped rows pay off; sparse rows start empty. */
  dense: boolean;
  /** Rows emitted, for sampling density. */
  rows: number;
}

/** One object level inside a table's rows (the row itself or a flattened nested object). */
export interface NodeState {
  readonly table: TableState;
  /** Source keys from the row object to this node. */
  readonly path: readonly string[];
  /** Normalized flattened prefix (`""` at the row, `properties` below it, …). */
  readonly prefix: string;
  /** Nesting level of this object (dicts and lists both count, as in dlt). */
  readonly level: number;
  readonly keys: Map<string, KeyState>;
  /** Key states by position in the last record seen at this node. */
  readonly order: KeyState[];
}

/** What the normalizer knows about one source key at one node: its column, variants, nested node, list. */
export interface KeyState {
  readonly key: string;
  readonly node: NodeState;
  /** JSON array of source keys: the identity claiming a normalized name. */
  readonly ident: string;
  /** Normalized candidate name (before collision suffixes). */
  readonly candidate: string;
  /** The key's column (its name claimed in the table's namespace). */
  column: ColumnSchema | undefined;
  variants: Partial<Record<DataType, ColumnSchema>> | undefined;
  /** Nested object below this key, flattened. */
  child: NodeState | undefined;
  /** Where lists under this key go. */
  list: ChildList | undefined;
  /** Cached "stored whole as json" answer, valid while `jsonGen` equals the schema's cache generation. */
  json: boolean;
  jsonGen: number;
}

/** The child table of a key's lists, and the field name (claimed in the parent's namespace) in row ids. */
export interface ChildList {
  readonly table: TableState;
  readonly field: string;
}

export function createTableState(
  schema: TableSchema,
  level: number,
  parent: TableState | undefined,
  fresh: boolean,
): TableState {
  const partial: Omit<TableState, "root" | "node"> = {
    name: schema.name,
    schema,
    level,
    fresh,
    contract: parent?.root.contract ?? EVOLVE_ALL,
    maxNesting: parent?.root.maxNesting ?? DEFAULT_MAX_NESTING,
    idMode: "random",
    primaryKey: [],
    required: [],
    hints: new Map(),
    resource: parent?.root.resource ?? schema.resource,
    emitted: false,
    newRow: undefined,
    dense: true,
    rows: 0,
  };
  // root and node refer back to the state itself, so they are filled in after creation.
  const state = partial as TableState;
  state.root = parent === undefined ? state : parent.root;
  (state as { node: NodeState }).node = {
    table: state,
    path: [],
    prefix: "",
    level,
    keys: new Map(),
    order: [],
  };
  return state;
}

/** The state of a key first seen at `node`, registered there. */
export function createKeyState(node: NodeState, key: string, maxLength: number): KeyState {
  const ks: KeyState = {
    key,
    node,
    ident: JSON.stringify([...node.path, key]),
    candidate: shortenIdentifier(joinPath(node.prefix, normalizeIdentifier(key)), maxLength),
    column: undefined,
    variants: undefined,
    child: undefined,
    list: undefined,
    json: false,
    jsonGen: -1,
  };
  node.keys.set(key, ks);
  return ks;
}

/** The node of a nested object under `ks`, flattened into the same table with the key as prefix. */
export function createChildNode(ks: KeyState): NodeState {
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

export function inheritRoot(t: TableState, root: TableState): void {
  t.contract = root.contract;
  t.maxNesting = root.maxNesting;
  t.resource = root.resource;
}

/** System columns a new table starts with. */
export function addSystemColumns(schema: TableSchema, child: boolean): void {
  const c = schema.columns;
  const text = (name: string): ColumnSchema => ({ name, data_type: "text", nullable: false });
  if (child) {
    c[SYSTEM_COLUMNS.parentId] = text(SYSTEM_COLUMNS.parentId);
    c[SYSTEM_COLUMNS.listIdx] = { name: SYSTEM_COLUMNS.listIdx, data_type: "bigint", nullable: false };
    c[SYSTEM_COLUMNS.id] = text(SYSTEM_COLUMNS.id);
    c[SYSTEM_COLUMNS.rootId] = text(SYSTEM_COLUMNS.rootId);
  } else {
    c[SYSTEM_COLUMNS.loadId] = text(SYSTEM_COLUMNS.loadId);
    c[SYSTEM_COLUMNS.id] = text(SYSTEM_COLUMNS.id);
  }
}

/**
 * Builds a factory for rows of a table: an object literal naming every column (values undefined, which
 * JSON.stringify skips). V8 allocates such a literal in one step with a fixed shape, so filling a row is a
 * store into an existing slot rather than a chain of shape transitions and backing-store growth, which
 * measurably cuts normalization time and garbage for wide rows. Undefined slots still cost the file writer
 * a little each, so tables whose rows leave many columns empty use plain objects instead (see `sampleDensity`).
 */
export function rowFactory(schema: TableSchema): () => Record<string, unknown> {
  const slots = Object.keys(schema.columns)
    .filter((name) => name !== "__proto__")
    .map((name) => `${JSON.stringify(name)}: undefined`)
    .join(", ");
  return new Function(`return { ${slots} };`) as () => Record<string, unknown>;
}

/** An empty row of `table`: pre-shaped while the table's rows are dense, a plain object otherwise. */
export function newRow(table: TableState): Record<string, unknown> {
  if (!table.dense) return {};
  let factory = table.newRow;
  if (factory === undefined) factory = table.newRow = rowFactory(table.schema);
  return factory();
}

/** Every 256th row of a table: dense if it fills at least 80 % of the table's columns. */
export function sampleDensity(table: TableState, row: Record<string, unknown>): void {
  let filled = 0;
  for (const k in row) if (row[k] !== undefined) filled++;
  let columns = 0;
  for (const _ in table.schema.columns) columns++;
  table.dense = filled >= columns * 0.8;
}
