import type { ConfigIssue } from "../../core/errors.js";
import { type ColumnHint, DATA_TYPES, type DataType } from "../../core/resource.js";
import type { ColumnsSpec, DltColumn, JsonSchemaObject, JsonSchemaProperty } from "./config-types.js";

const DATA_TYPE_NAMES = new Set<string>(DATA_TYPES);
/** dlt's older or wider type names (a config built without validation may carry them): nearest sluice type. */
const DLT_ALIASES: Record<string, DataType> = {
  complex: "json",
  binary: "text",
  time: "text",
  wei: "decimal",
};

/** True for a JSON Schema object (`{"type": "object", "properties": {...}}`) rather than a dlt column map. */
export function isJsonSchema(c: unknown): c is JsonSchemaObject {
  if (typeof c !== "object" || c === null || Array.isArray(c)) return false;
  const o = c as Record<string, unknown>;
  const props = o.properties;
  return (
    (typeof o.type === "string" || Array.isArray(o.type)) &&
    typeof props === "object" &&
    props !== null &&
    !Array.isArray(props)
  );
}

/** Turns a resource's `columns` (a dlt map or a JSON Schema) into column hints keyed by field name. */
export function columnHints(
  spec: ColumnsSpec | undefined,
  at: string,
  issues: ConfigIssue[],
): Record<string, ColumnHint> | undefined {
  if (spec === undefined) return undefined;
  if (isJsonSchema(spec)) return fromJsonSchema(spec, at, issues);
  const entries: Array<[string, DltColumn]> = Object.entries(spec);
  const out: Record<string, ColumnHint> = {};
  for (const [name, col] of entries) {
    const { data_type, description: _description, ...rest } = col;
    const hint: ColumnHint = { ...rest };
    if (data_type !== undefined) {
      const t = DATA_TYPE_NAMES.has(data_type) ? (data_type as DataType) : DLT_ALIASES[data_type];
      if (t) hint.data_type = t;
      else
        issues.push({
          path: `${at}.${name}.data_type`,
          message: `unknown data_type ${JSON.stringify(data_type)}`,
          hint: `allowed: ${DATA_TYPES.join(", ")}`,
        });
    }
    out[name] = hint;
  }
  return out;
}

function fromJsonSchema(
  schema: JsonSchemaObject,
  at: string,
  issues: ConfigIssue[],
): Record<string, ColumnHint> {
  // JSON Schema splits what dlt's `nullable` joins: `type` says what a present value is, `required` whether it
  // must be present. A field left out of `required` may be absent, so it gets no NOT NULL from its type; its
  // nullability is then the column default (nullable, except for key columns).
  const required = new Set(schema.required ?? []);
  const out: Record<string, ColumnHint> = {};
  for (const [name, prop] of Object.entries(schema.properties)) {
    const types = prop.type === undefined ? [] : Array.isArray(prop.type) ? prop.type : [prop.type];
    const nonNull = types.filter((t) => t !== "null");
    const hint: ColumnHint = {};
    const nullable =
      prop.nullable ?? (types.includes("null") ? true : required.has(name) ? false : undefined);
    if (nullable !== undefined) hint.nullable = nullable;
    const t = nonNull.length === 1 ? schemaType(nonNull[0] as string, prop) : undefined;
    if (nonNull.length === 1 && t === undefined)
      issues.push({
        path: `${at}.properties.${name}.type`,
        message: `unknown JSON Schema type ${JSON.stringify(nonNull[0])}`,
        hint: "allowed: string, integer, number, boolean, object, array, null",
      });
    // Several non-null types leave the type to inference (it will pick variant columns as needed).
    if (t) hint.data_type = t;
    out[name] = hint;
  }
  return out;
}

function schemaType(type: string, prop: JsonSchemaProperty): DataType | undefined {
  switch (type) {
    case "string":
      if (prop.format === "date-time") return "timestamp";
      if (prop.format === "date") return "date";
      return "text";
    case "integer":
      return "bigint";
    case "number":
      return "double";
    case "boolean":
      return "bool";
    case "object":
    case "array":
      return "json";
    default:
      return undefined;
  }
}
