/** A JSON Schema (OpenAPI flavour) as the spec holds it, dereferenced. */
export type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;

export function isSchema(v: unknown): v is Schema {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The schema with `allOf` merged and the first `oneOf`/`anyOf` branch that is not null taken: enough to
 * see the shape a response has. Circular schemas are cut at a depth bound.
 */
export function flatten(schema: unknown, depth = 0): Schema {
  if (!isSchema(schema) || depth > MAX_DEPTH) return {};
  let out: Schema = { ...schema };
  const all = Array.isArray(schema["allOf"]) ? (schema["allOf"] as unknown[]) : [];
  for (const part of all) {
    const f = flatten(part, depth + 1);
    out = {
      ...f,
      ...out,
      properties: {
        ...(f["properties"] as Schema | undefined),
        ...(out["properties"] as Schema | undefined),
      },
      required: [...arr(f["required"]), ...arr(out["required"])],
    };
  }
  delete out["allOf"];
  for (const key of ["oneOf", "anyOf"]) {
    const options = Array.isArray(schema[key]) ? (schema[key] as unknown[]) : [];
    const pick = options.find((o) => isSchema(o) && typeOf(o) !== "null");
    if (pick !== undefined && out["properties"] === undefined && out["items"] === undefined) {
      const f = flatten(pick, depth + 1);
      out = { ...f, ...out, type: out["type"] ?? f["type"] };
    }
    delete out[key];
  }
  return out;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The schema's main type ("object", "array", "string", …), read from `type` (a list in 3.1) or the shape. */
export function typeOf(schema: unknown): string | undefined {
  if (!isSchema(schema)) return undefined;
  const t = schema["type"];
  if (typeof t === "string") return t;
  if (Array.isArray(t)) return t.find((x) => x !== "null") as string | undefined;
  if (isSchema(schema["properties"])) return "object";
  if (schema["items"] !== undefined) return "array";
  return undefined;
}

/** Null allowed, as OpenAPI 3.0 (`nullable`) or 3.1 / JSON Schema (`type: [.., "null"]`, a null branch) say. */
export function isNullable(schema: unknown): boolean {
  if (!isSchema(schema)) return true;
  if (schema["nullable"] === true || schema["x-nullable"] === true) return true;
  const t = schema["type"];
  if (Array.isArray(t) && t.includes("null")) return true;
  for (const key of ["oneOf", "anyOf"])
    if (
      Array.isArray(schema[key]) &&
      (schema[key] as unknown[]).some((o) => isSchema(o) && o["type"] === "null")
    )
      return true;
  return false;
}

export function properties(schema: unknown): Record<string, Schema> {
  const f = flatten(schema);
  const props = f["properties"];
  if (!isSchema(props)) return {};
  const out: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(props)) out[k] = flatten(v);
  return out;
}

export function required(schema: unknown): Set<string> {
  return new Set(arr(flatten(schema)["required"]).filter((x): x is string => typeof x === "string"));
}

/** Items of an array schema whose items are objects; undefined otherwise. */
export function objectItems(schema: unknown): Schema | undefined {
  const f = flatten(schema);
  if (typeOf(f) !== "array") return undefined;
  const items = flatten(f["items"]);
  const t = typeOf(items);
  return t === "object" || (t === undefined && Object.keys(properties(items)).length > 0) ? items : undefined;
}
