import type { StoredSchema, TableSchema } from "./types.js";

/** Own-property lookup: schema dictionaries are plain objects, and `constructor` is a fine column name. */
export function own<T>(dict: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

/**
 * Name of the root table of `name`'s tree: parents are followed while they are in the schema, so a table
 * whose parent is missing counts as its own tree's root, and a cycle in a damaged schema still ends.
 */
export function rootTableName(schema: StoredSchema, name: string): string {
  let current: TableSchema | undefined = own(schema.tables, name);
  const seen = new Set<string>();
  while (current?.parent !== undefined && !seen.has(current.name)) {
    seen.add(current.name);
    const next = own(schema.tables, current.parent);
    if (next === undefined) break;
    current = next;
  }
  return current?.name ?? name;
}
