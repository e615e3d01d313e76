import { SluiceError } from "../core/errors.js";
import type { ColumnHint } from "../core/resource.js";
import type { TableState } from "./table-state.js";

/**
 * A row without a value for a key or a `nullable: false` column would break merges (or the destination's
 * NOT NULL) only at load time; refusing the record while normalizing names it and loads nothing of the
 * package.
 */

/** Hinted columns that must hold a value in every row: `nullable: false`, or a key not declared nullable. */
export function requiredColumns(hints: ReadonlyMap<string, ColumnHint>): string[] {
  const required: string[] = [];
  for (const [name, h] of hints) {
    if (h.nullable === false || (h.nullable === undefined && h.primary_key === true)) required.push(name);
  }
  return required;
}

/** The first of `required` that `row` holds no value for, if any. */
export function missingRequired(
  row: Record<string, unknown>,
  required: readonly string[],
): string | undefined {
  for (let i = 0; i < required.length; i++) {
    const column = required[i]!;
    if (row[column] == null) return column;
  }
  return undefined;
}

export function missingRequiredValue(
  table: Pick<TableState, "resource" | "name" | "primaryKey">,
  column: string,
  record: Record<string, unknown>,
): SluiceError {
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
