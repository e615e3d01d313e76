import type { Confidence } from "./detect-paginator.js";
import { isNullable, properties, required, type Schema, typeOf } from "./json-schema.js";
import type { Param } from "./spec-model.js";

/** The record's key: `id`, else a uuid-format field, else a documented key-like field. */
export function detectPrimaryKey(
  items: Schema,
  singular: string,
): { key: string; confidence: Confidence } | undefined {
  const props = properties(items);
  if (props["id"] !== undefined) return { key: "id", confidence: "high" };
  const uuid = Object.entries(props).find(([, s]) => s["format"] === "uuid");
  if (uuid !== undefined) return { key: uuid[0], confidence: "medium" };
  for (const name of [`${singular}_id`, `${singular}Id`, "uuid", "key", "slug", "_id"])
    if (props[name] !== undefined) return { key: name, confidence: "medium" };
  return undefined;
}

const SINCE = [
  "since",
  "updated_since",
  "updated_after",
  "updatedsince",
  "updatedafter",
  "modified_since",
  "modified_after",
  "modifiedsince",
  "modifiedafter",
  "changed_since",
  "updated_at_min",
  "updated_at[gte]",
  "updated_at.gte",
  "updated[gte]",
  "last_modified",
  "lastmodified",
  "if_modified_since",
  "from_date",
  "start_time",
  "starttime",
  "min_updated_at",
];
const CURSOR_FIELDS = [
  "updated_at",
  "updatedAt",
  "updated",
  "modified_at",
  "modifiedAt",
  "modified",
  "last_modified",
  "lastModified",
  "date_modified",
  "updated_time",
  "changed_at",
  "last_updated",
];

/**
 * An incremental load where the endpoint filters by a date-time (`since`, `updated_after`, …) and the
 * records carry a matching timestamp field (`updated_at`, `modified`, …): the filter gets the last value.
 */
export function detectIncremental(
  params: readonly Param[],
  items: Schema,
): { incremental: Record<string, unknown>; why: string } | undefined {
  const props = properties(items);
  const param = params.find(
    (p) =>
      p.in === "query" &&
      (SINCE.includes(p.name.toLowerCase()) ||
        (p.schema["format"] === "date-time" && /since|after|from|min|start|gte/i.test(p.name))),
  );
  if (param === undefined) return undefined;
  const created = /creat/i.test(param.name);
  const field = (created ? ["created_at", "createdAt", "created"] : CURSOR_FIELDS).find(
    (f) => props[f] !== undefined,
  );
  if (field === undefined) return undefined;
  return {
    incremental: { start_param: param.name, cursor_path: field, initial_value: "1970-01-01T00:00:00Z" },
    why: `${param.name} filters by time and records have ${field}`,
  };
}

/**
 * Column hints for the record's scalar fields from the response schema: types and formats, and nullable
 * as JSON Schema says (a required field whose type excludes null is NOT NULL). Nested objects and lists
 * are left to the normalizer (flattened columns, child tables).
 */
export function columnHints(items: Schema): Record<string, { data_type: string; nullable: boolean }> {
  const props = properties(items);
  const req = required(items);
  const out: Record<string, { data_type: string; nullable: boolean }> = {};
  for (const [name, s] of Object.entries(props)) {
    const type = dataType(s);
    if (type === undefined) continue;
    out[name] = { data_type: type, nullable: !req.has(name) || isNullable(s) };
  }
  return out;
}

function dataType(s: Schema): string | undefined {
  const t = typeOf(s);
  const format = typeof s["format"] === "string" ? s["format"] : "";
  if (t === "integer") return "bigint";
  if (t === "number") return "double";
  if (t === "boolean") return "bool";
  if (t === "string") return format === "date-time" ? "timestamp" : format === "date" ? "date" : "text";
  return undefined;
}
