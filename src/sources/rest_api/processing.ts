import type { DataRecord } from "../../core/json.js";
import type { ProcessingStep } from "./config-types.js";

/**
 * Applies dlt's processing_steps in the order written: filter keeps, map replaces, yield_map expands.
 * A step naming several of them applies them in that order.
 */
export function applyProcessingSteps(records: DataRecord[], steps: readonly ProcessingStep[]): DataRecord[] {
  let out = records;
  for (const { filter, map, yield_map } of steps) {
    if (filter) out = out.filter((r) => filter(r));
    if (map) out = out.map((r) => map(r));
    if (yield_map) out = out.flatMap((r) => [...yield_map(r)]);
  }
  return out;
}

/**
 * Drops fields before normalization. A dotted name (`owner.followers`) removes a nested field; the
 * record is copied, never changed in place, because a parent record may also feed its children.
 */
export function excludeColumns(records: DataRecord[], columns: readonly string[]): DataRecord[] {
  if (columns.length === 0) return records;
  const top = new Set(columns.filter((c) => !c.includes(".")));
  const nested = columns.filter((c) => c.includes(".")).map((c) => c.split("."));
  return records.map((r) => {
    let out = top.size > 0 ? withoutKeys(r, top) : r;
    for (const path of nested) out = without(out, path);
    return out;
  });
}

/** A copy without `keys`, built key by key: `delete` would push the object into V8's slow dictionary mode. */
function withoutKeys(record: DataRecord, keys: ReadonlySet<string>): DataRecord {
  const out: DataRecord = {};
  for (const k in record) if (!keys.has(k)) out[k] = record[k];
  return out;
}

function without(record: DataRecord, path: string[]): DataRecord {
  const [head, ...rest] = path;
  if (head === undefined || !Object.hasOwn(record, head)) return record;
  if (rest.length === 0) return withoutKeys(record, new Set([head]));
  const child = record[head];
  if (typeof child !== "object" || child === null || Array.isArray(child)) return record;
  const out: DataRecord = {};
  for (const k in record) out[k] = k === head ? without(child as DataRecord, rest) : record[k];
  return out;
}
