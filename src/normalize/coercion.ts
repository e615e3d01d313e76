import * as infer from "../schema/infer.js";
import type { ColumnSchema, DataType } from "../schema/types.js";

// Module-local copies: when these modules run as CommonJS (tsx compiles a .ts file loaded from outside a
// `"type": "module"` package that way), each imported binding is a getter call; measured at ~2x overall.
const NO_FIT = infer.NO_FIT;
const coerce = infer.coerce;
const parseTimestamp = infer.parseTimestamp;
const parseDate = infer.parseDate;
const isInt64Number = infer.isInt64Number;

/** A value with no JSON form (NaN, ±Infinity): stored in no column. */
export const SKIP: unique symbol = Symbol("skip");
/** A number a bigint column cannot hold (4.5, 1e20): the column widens to double, or a variant takes it. */
export const NOT_INT64: unique symbol = Symbol("not-int64");

/**
 * The value to store in `col` for `v`, or why there is none: `NO_FIT` (it goes to a variant column),
 * `NOT_INT64` or `SKIP`. Each column type first tries the value types it takes as they are, so the common
 * case is a `typeof` test; only strings headed for timestamp and date columns are parsed.
 */
export function fitColumn(col: ColumnSchema, v: unknown): unknown {
  const t = typeof v;
  switch (col.data_type) {
    case "text":
      if (t === "string") return v;
      break;
    case "bigint":
      if (t === "number") {
        if (Number.isSafeInteger(v)) return v;
        if (!Number.isFinite(v)) return SKIP;
        return isInt64Number(v as number) ? v : NOT_INT64;
      }
      break;
    case "timestamp":
      if (t === "string") {
        const ts = parseTimestamp(v as string);
        if (ts !== null) return ts;
      }
      break;
    case "date":
      if (t === "string" && parseDate(v as string) !== null) return v;
      break;
    case "double":
      if (t === "number") return Number.isFinite(v) ? v : SKIP;
      break;
    case "bool":
      if (t === "boolean") return v;
      break;
    case "decimal":
      if (!fitsDecimal(v, col)) return NO_FIT;
      break;
  }
  if (t === "number" && !Number.isFinite(v)) return SKIP;
  return coerce(v, col.data_type);
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
