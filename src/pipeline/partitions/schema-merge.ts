import type { StoredSchema, TableSchema } from "../../schema/types.js";
import { canonicalJson, schemaContentHash } from "../../schema/version.js";

export type SchemaMerge = { schema: StoredSchema } | { conflict: string };

/**
 * The schema of a whole run from its partitions' schemas, each evolved from the same committed `base`:
 * tables and columns are united in partition order. Partitions can disagree only on what they created
 * independently: a column typed differently (each saw another value first), or one normalized name
 * claimed by different source keys. Then there is no exact union, and the conflict is returned for the
 * load to normalize the run's records again, in order, as one normalizer would have.
 */
export function mergePartitionSchemas(base: StoredSchema, partitions: readonly StoredSchema[]): SchemaMerge {
  const tables: Record<string, TableSchema> = structuredClone(base.tables);
  for (const part of partitions) {
    for (const [name, table] of Object.entries(part.tables)) {
      const have = tables[name];
      if (have === undefined) {
        tables[name] = structuredClone(table);
        continue;
      }
      const conflict = mergeTable(have, table);
      if (conflict !== undefined) return { conflict: `table ${name}: ${conflict}` };
    }
  }
  const draft: StoredSchema = { name: base.name, version: base.version, version_hash: "", tables };
  const hash = schemaContentHash(draft);
  if (hash === base.version_hash) return { schema: { ...draft, version_hash: hash } };
  return { schema: { ...draft, version: base.version + 1, version_hash: hash } };
}

/** Adds `next`'s columns and names to `into`; a description of the first disagreement, if any. */
function mergeTable(into: TableSchema, next: TableSchema): string | undefined {
  const { columns: _a, seen_data: _b, source_names: _c, ...ownA } = into;
  const { columns: _d, seen_data: _e, source_names: _f, ...ownB } = next;
  if (canonicalJson(ownA) !== canonicalJson(ownB)) return "its table settings differ between partitions";
  for (const [name, column] of Object.entries(next.columns)) {
    const have = into.columns[name];
    if (have === undefined) into.columns[name] = structuredClone(column);
    else if (canonicalJson(have) !== canonicalJson(column))
      return `column ${name} is ${describe(have)} in one partition and ${describe(column)} in another`;
  }
  for (const [name, source] of Object.entries(next.source_names ?? {})) {
    into.source_names ??= {};
    const names = into.source_names;
    const have = names[name];
    if (have === undefined) names[name] = source;
    else if (have !== source)
      return `name ${name} is claimed by ${have} in one partition and ${source} in another`;
  }
  if (next.seen_data) into.seen_data = true;
  return undefined;
}

function describe(c: { data_type: string; nullable: boolean }): string {
  return `${c.data_type}${c.nullable ? "" : " not null"}`;
}
