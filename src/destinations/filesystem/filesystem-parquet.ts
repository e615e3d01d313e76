import type { ColumnSource } from "hyparquet-writer";
import { recordToJson } from "../../core/record-json.js";
import type { ColumnSchema } from "../../schema/types.js";

/** Parquet schema elements and value conversion per sluice type (all columns OPTIONAL: rows may lack them). */

interface SchemaElement {
  name: string;
  type?: "BOOLEAN" | "INT32" | "INT64" | "DOUBLE" | "BYTE_ARRAY";
  repetition_type?: "OPTIONAL" | "REQUIRED";
  converted_type?: "UTF8" | "JSON" | "DATE" | "TIMESTAMP_MICROS" | "DECIMAL";
  logical_type?:
    | { type: "TIMESTAMP"; isAdjustedToUTC: boolean; unit: "MICROS" }
    | { type: "DECIMAL"; precision: number; scale: number }
    | { type: "DATE" }
    | { type: "STRING" }
    | { type: "JSON" };
  precision?: number;
  scale?: number;
  num_children?: number;
}

export function parquetElement(column: ColumnSchema): SchemaElement {
  const base = { name: column.name, repetition_type: "OPTIONAL" as const };
  switch (column.data_type) {
    case "bigint":
      return { ...base, type: "INT64" };
    case "double":
      return { ...base, type: "DOUBLE" };
    case "bool":
      return { ...base, type: "BOOLEAN" };
    case "timestamp":
      return {
        ...base,
        type: "INT64",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" },
      };
    case "date":
      return { ...base, type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } };
    case "json":
      return { ...base, type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } };
    case "decimal": {
      const precision = column.precision ?? 38;
      const scale = column.scale ?? 9;
      return {
        ...base,
        type: "BYTE_ARRAY",
        converted_type: "DECIMAL",
        logical_type: { type: "DECIMAL", precision, scale },
        precision,
        scale,
      };
    }
    default:
      return { ...base, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
  }
}

const DAY_MS = 86_400_000;

/** ISO-8601 timestamp → microseconds since the epoch, keeping the sub-millisecond digits Date drops. */
export function isoToMicros(iso: string): bigint | null {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return null;
  const frac = /T\d{2}:\d{2}:\d{2}\.(\d+)/.exec(iso)?.[1] ?? "";
  const extraMicros = frac.length > 3 ? Number(frac.slice(3, 6).padEnd(3, "0")) : 0;
  return BigInt(ms) * 1000n + BigInt(extraMicros);
}

/** A decimal string (or number) → its unscaled integer at `scale`, exactly (no float rounding for strings). */
export function decimalToUnscaled(value: unknown, scale: number): bigint | null {
  const s = typeof value === "number" ? value.toFixed(scale) : String(value).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (m === null) return null;
  const [, sign, intPart = "", fracPart = "", exp] = m;
  let digits = intPart + fracPart;
  const pointShift = fracPart.length - Number(exp ?? 0);
  if (digits === "") return null;
  if (pointShift < scale) digits += "0".repeat(scale - pointShift);
  else if (pointShift > scale) {
    // More fractional digits than the column keeps: round half away from zero.
    const cut = pointShift - scale;
    const kept = digits.slice(0, digits.length - cut) || "0";
    const roundUp = Number(digits[digits.length - cut] ?? "0") >= 5;
    digits = (BigInt(kept) + (roundUp ? 1n : 0n)).toString();
  }
  const n = BigInt(digits);
  return sign === "-" ? -n : n;
}

type Converter = (v: unknown) => unknown;

function converter(column: ColumnSchema): Converter {
  switch (column.data_type) {
    case "bigint":
      // Ids beyond 2^53 arrive as digit strings (or bigints): BigInt keeps every digit.
      return (v) =>
        typeof v === "bigint" ? v : typeof v === "number" || typeof v === "string" ? BigInt(v) : null;
    case "double":
      // A column widened from bigint still has digit strings from rows written before the widening.
      return (v) =>
        typeof v === "number" ? v : typeof v === "string" || typeof v === "bigint" ? Number(v) : null;
    case "bool":
      return (v) => (typeof v === "boolean" ? v : null);
    case "timestamp":
      return (v) => (typeof v === "string" ? isoToMicros(v) : null);
    case "date":
      return (v) => {
        if (typeof v !== "string") return null;
        const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
        return Number.isNaN(ms) ? null : Math.floor(ms / DAY_MS);
      };
    case "json":
      return (v) => v;
    case "decimal": {
      const scale = column.scale ?? 9;
      return (v) => decimalToUnscaled(v, scale);
    }
    default:
      return (v) => (typeof v === "string" ? v : recordToJson(v));
  }
}

/** Collects rows column by column, then hands hyparquet-writer typed column data with an explicit schema. */
export class ParquetColumns {
  private readonly cols: ColumnSchema[];
  private readonly convert: Converter[];
  private data: unknown[][];
  rows = 0;

  constructor(columns: ColumnSchema[]) {
    this.cols = columns;
    this.convert = columns.map(converter);
    this.data = columns.map(() => []);
  }

  add(row: Record<string, unknown>): void {
    for (let i = 0; i < this.cols.length; i++) {
      const v = row[(this.cols[i] as ColumnSchema).name];
      (this.data[i] as unknown[]).push(
        v === null || v === undefined ? null : (this.convert[i] as Converter)(v),
      );
    }
    this.rows++;
  }

  take(): { columnData: ColumnSource[]; schema: SchemaElement[] } {
    const schema: SchemaElement[] = [
      { name: "root", num_children: this.cols.length },
      ...this.cols.map(parquetElement),
    ];
    const columnData = this.cols.map((c, i) => ({
      name: c.name,
      data: this.data[i] as ColumnSource["data"],
    }));
    this.data = this.cols.map(() => []);
    this.rows = 0;
    return { columnData, schema };
  }
}
