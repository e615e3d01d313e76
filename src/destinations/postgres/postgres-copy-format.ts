import { recordToJson } from "../../core/record-json.js";
import type { DataType } from "../../schema/types.js";

/**
 * Turns NDJSON rows into PostgreSQL COPY text-format lines. Text format (not CSV) because its escaping is a
 * fixed set of backslash sequences, cheaper to produce than CSV quoting and unambiguous about NULL (`\N`).
 */
export const COPY_NULL = "\\N";

// Every character COPY text format treats specially, plus NUL, which PostgreSQL text and jsonb cannot store.
const NUL = String.fromCharCode(0);
const SPECIAL = new RegExp(`[\\\\\n\r\t${NUL}]`);
const SPECIAL_ALL = new RegExp(SPECIAL.source, "g");
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", [NUL]: "" };

export function escapeCopyText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : s;
}

export type CopyFieldWriter = (value: unknown) => string;

function textField(value: unknown): string {
  return escapeCopyText(typeof value === "string" ? value : recordToJson(value));
}

function jsonField(value: unknown): string {
  // jsonb rejects the \u0000 escape; a JSON-encoded NUL is dropped like in text columns.
  const s = recordToJson(value);
  if (!s.includes("\\u0000")) return escapeCopyText(s);
  return escapeCopyText(recordToJson(withoutNul(value)));
}

function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.split(NUL).join("");
  if (Array.isArray(value)) return value.map(withoutNul);
  if (typeof value === "object" && value !== null && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)]));
  return value;
}

function boolField(value: unknown): string {
  if (typeof value === "boolean") return value ? "t" : "f";
  return textField(value);
}

function numberField(value: unknown): string {
  if (typeof value === "number") return String(value);
  return textField(value);
}

/** One writer per column type, chosen once per table so the per-value work is a direct call. */
export function copyFieldWriter(type: DataType): CopyFieldWriter {
  switch (type) {
    case "json":
      return jsonField;
    case "bool":
      return boolField;
    case "bigint":
    case "double":
    case "decimal":
      return numberField;
    default:
      return textField;
  }
}

/** Builds the converter for one table: parsed row object → one COPY line (with trailing newline). */
export function copyLineBuilder(
  columns: ReadonlyArray<{ name: string; data_type: DataType }>,
): (row: Record<string, unknown>) => string {
  const names = columns.map((c) => c.name);
  const writers = columns.map((c) => copyFieldWriter(c.data_type));
  const n = names.length;
  return (row) => {
    let line = "";
    for (let i = 0; i < n; i++) {
      const v = row[names[i] as string];
      const field = v === null || v === undefined ? COPY_NULL : (writers[i] as CopyFieldWriter)(v);
      line += i === 0 ? field : `\t${field}`;
    }
    return `${line}\n`;
  };
}
