/**
 * Names sluice reserves in every destination: the one definition the normalizer, the load package and the
 * loaders all read. Every reserved name starts with `_sluice_`, so a user column can never collide with one.
 */
export const SYSTEM_PREFIX = "_sluice_";

/** Columns sluice adds to rows: the load that wrote a row, the row's id, and the links of child rows. */
export const SYSTEM_COLUMNS = {
  loadId: "_sluice_load_id",
  id: "_sluice_id",
  parentId: "_sluice_parent_id",
  listIdx: "_sluice_list_idx",
  rootId: "_sluice_root_id",
} as const;

/** The tables that hold the load history, the committed pipeline state and the schema versions. */
export const SYSTEM_TABLE_NAMES = {
  loads: "_sluice_loads",
  state: "_sluice_pipeline_state",
  version: "_sluice_version",
} as const;

export const SYSTEM_TABLES: readonly string[] = Object.values(SYSTEM_TABLE_NAMES);

/** Validity columns an scd2 root table gets: when a version of a record became and stopped being current. */
export const VALIDITY_COLUMNS: readonly [string, string] = ["_sluice_valid_from", "_sluice_valid_to"];

/** Column of a child table holding the items of a list of scalars. */
export const VALUE_COLUMN = "value";

/** Infix of a variant column: `<col>__v_<type>`. */
export const VARIANT_INFIX = "__v_";

export function isSystemColumn(name: string): boolean {
  return name.startsWith(SYSTEM_PREFIX);
}

export function isSystemTable(name: string): boolean {
  return SYSTEM_TABLES.includes(name);
}
