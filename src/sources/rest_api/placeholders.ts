import type { IncrementalPlaceholderField, PlaceholderRef, Template } from "../../config/index.js";
import type { DataRecord } from "../../core/json.js";
import { recordToJson } from "../../core/record-json.js";
import { readPath } from "./field-path.js";

/** Values placeholders resolve to for one request. */
export interface PlaceholderValues {
  /** The parent record, when the resource is a child. */
  parent?: { name: string; record: DataRecord };
  incremental?: Partial<Record<IncrementalPlaceholderField, unknown>>;
}

/** Why a placeholder could not be filled, for the caller to turn into a named error. */
export class PlaceholderMissing extends Error {
  constructor(
    readonly ref: PlaceholderRef,
    readonly available: string[],
  ) {
    super("placeholder value missing");
  }
}

export function refValue(ref: PlaceholderRef, values: PlaceholderValues): unknown {
  if (ref.kind === "incremental") return values.incremental?.[ref.field];
  // Legacy `{name}` refs are bound to params when the endpoint is compiled; none reach a request.
  if (ref.kind === "name") throw new PlaceholderMissing(ref, []);
  const parent = values.parent;
  if (!parent || parent.name !== ref.resource) throw new PlaceholderMissing(ref, []);
  const { found, value } = readPath(parent.record, ref.field);
  if (!found) throw new PlaceholderMissing(ref, Object.keys(parent.record));
  return value;
}

/** Renders a value as text the way JSON spells it (`true`, `null`), strings as they are. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "null";
  if (value instanceof Date) return value.toISOString();
  // Digits of integers beyond 2^53 (bigint from the JSON parser) are kept, also inside objects.
  if (typeof value === "object") return recordToJson(value);
  return String(value);
}

/** Fills a template. In a path each value is URL-encoded; literal text is kept as written. */
export function renderTemplate(t: Template, values: PlaceholderValues, mode: "path" | "text"): string {
  let out = "";
  for (const seg of t) {
    if (typeof seg === "string") out += seg;
    else {
      const text = valueText(refValue(seg, values));
      out += mode === "path" ? encodeURIComponent(text) : text;
    }
  }
  return out;
}

/** A template that is exactly one placeholder, whose value may keep its JSON type. */
export function soleRef(t: Template): PlaceholderRef | undefined {
  return t.length === 1 && typeof t[0] !== "string" ? t[0] : undefined;
}
