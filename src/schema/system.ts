import { SYSTEM_COLUMNS, SYSTEM_TABLE_NAMES } from "../core/system-names.js";

/** System columns sluice adds to every row (DESIGN §2). */
export const LOAD_ID = SYSTEM_COLUMNS.loadId;
export const ROW_ID = SYSTEM_COLUMNS.id;
export const PARENT_ID = SYSTEM_COLUMNS.parentId;
export const LIST_IDX = SYSTEM_COLUMNS.listIdx;
export const ROOT_ID = SYSTEM_COLUMNS.rootId;
/** Column of a child table holding the items of a list of scalars. */
export const VALUE_COLUMN = "value";
/** Infix of a variant column: `<col>__v_<type>`. */
export const VARIANT_INFIX = "__v_";

export const SYSTEM_TABLES = SYSTEM_TABLE_NAMES;

export function isSystemColumn(name: string): boolean {
  return name.startsWith("_sluice_");
}
