/** System columns sluice adds to every row (DESIGN §2). */
export const LOAD_ID = "_sluice_load_id";
export const ROW_ID = "_sluice_id";
export const PARENT_ID = "_sluice_parent_id";
export const LIST_IDX = "_sluice_list_idx";
export const ROOT_ID = "_sluice_root_id";
/** Column of a child table holding the items of a list of scalars. */
export const VALUE_COLUMN = "value";
/** Infix of a variant column: `<col>__v_<type>`. */
export const VARIANT_INFIX = "__v_";

export const SYSTEM_TABLES = {
  loads: "_sluice_loads",
  state: "_sluice_pipeline_state",
  version: "_sluice_version",
} as const;

export function isSystemColumn(name: string): boolean {
  return name.startsWith("_sluice_");
}
