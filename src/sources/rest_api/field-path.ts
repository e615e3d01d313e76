/**
 * A field of a record named the way dlt names one in `{resources.<parent>.<field>}`, `cursor_path`,
 * `include_from_parent` and `primary_key`: dotted keys, digits index a list (`a.b.0.c` or `a.b[0]`), an
 * optional leading `$.`. Not core's JSONPath reader on purpose: it tells a field that is absent from one
 * that holds undefined or null (a missing parent field is an error, a null one is sent as `null`), reads
 * own keys only (a record has no `constructor` field), and indexes lists with plain dotted digits.
 */

/** Splits a field path into keys, once per path. */
export function pathKeys(path: string): string[] {
  return path
    .replace(/^\$\.?/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p !== "");
}

/** Reads a field path from a record. */
export function readPath(record: unknown, path: string): { found: boolean; value: unknown } {
  return readKeys(record, pathKeys(path));
}

export function readKeys(record: unknown, parts: readonly string[]): { found: boolean; value: unknown } {
  let cur: unknown = record;
  for (const part of parts) {
    if (typeof cur !== "object" || cur === null) return { found: false, value: undefined };
    if (!Object.hasOwn(cur, part)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}
