import { createHash } from "node:crypto";
import type { StoredSchema } from "./types.js";

/**
 * Stable hash of a schema's content (name and tables; not `version` or the hash itself). Object keys are
 * sorted, so two schemas with equal content hash equally whatever order they were built in.
 */
export function schemaContentHash(schema: StoredSchema): string {
  const h = createHash("sha256");
  h.update(canonicalJson({ name: schema.name, tables: schema.tables }));
  return h.digest("base64url").slice(0, 43);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** Deep copy a schema (plain JSON data), so a snapshot cannot be changed by later evolution. */
export function cloneSchema(schema: StoredSchema): StoredSchema {
  return structuredClone(schema);
}
