import * as infer from "../schema/infer.js";
import type { ColumnSchema, DataType } from "../schema/types.js";

// Module-local copies: when these modules run as CommonJS (tsx compiles a .ts file loaded from outside a
// `"type": "module"` package that way), each imported binding is a getter call; measured at ~2x overall.
const NO_FIT = infer.NO_FIT;
const coerce = infer.coerce;
const isInt64Number = infer.isInt64Number;

/** `convertValue` found no value to store: JSON has no form for the number (NaN, ±Infinity). */
export const SKIP: unique symbol = Symbol("skip");
/** `convertValue`: a number a bigint column cannot hold (4.5, 1e20); the column widens, or a variant takes it. */
export const NOT_INT64: unique symbol = Symbol("not-int64");

/**
 * The value to store in `col` for a value that is not of the column's own type (or is an odd number), if
 * it converts without loss: numbers into text or decimal columns, numeric strings into numbers, a date
 * into a timestamp, …; else why not: `NO_FIT` (a variant column takes it), `NOT_INT64` or `SKIP`. Values of
 * the column's own type (a string for text, a safe integer for bigint, a finite number for double, a
 * boolean for bool, a parsable string for timestamp and date) never get here: the flattener stores those
 * itself, inline, because that runs for every value.
 */
export function convertValue(col: ColumnSchema, v: unknown): unknown {
  const type = col.data_type;
  if (type === "decimal" && !fitsDecimal(v, col)) return NO_FIT;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return SKIP;
    if (type === "bigint") return isInt64Number(v) ? v : NOT_INT64;
  }
  return coerce(v, type);
}

/** The value to store in the variant column `col`, made for values of type `vt`, or `NO_FIT`. */
export function fitVariant(col: ColumnSchema, vt: DataType, v: unknown): unknown {
  const t = typeof v;
  if (
    vt === "double" ||
    vt === "bool" ||
    (vt === "text" && t === "string") ||
    (vt === "bigint" && t === "number")
  ) {
    return v;
  }
  return coerce(v, col.data_type);
}

/** An inferred column; a decimal inferred from an integer beyond int64 holds integers only (38,0). */
export function newColumn(name: string, dataType: DataType, v: unknown, variant: boolean): ColumnSchema {
  const col: ColumnSchema = { name, data_type: dataType, nullable: true };
  if (dataType === "decimal" && typeof v === "bigint") {
    col.precision = infer.BIGINT_DECIMAL.precision;
    col.scale = infer.BIGINT_DECIMAL.scale;
  }
  if (variant) col.variant = true;
  return col;
}

/** Exact integers must fit the column's integer digits; an integer-only decimal takes no fraction. */
export function fitsDecimal(v: unknown, col: ColumnSchema): boolean {
  if (typeof v === "bigint") return infer.bigintFitsDecimal(v, col.precision, col.scale);
  if (typeof v === "number" && col.scale === 0) return Number.isInteger(v);
  return true;
}
