import type { DataRecord } from "../core/json.js";
import { compilePath, findAll, type PathSegment } from "./json-path.js";

/** Keys under which APIs usually put their records (dlt's detector list, plus a few common ones). */
const RECORD_KEYS = new Set([
  "data",
  "items",
  "results",
  "records",
  "entries",
  "objects",
  "rows",
  "entities",
  "payload",
  "content",
  "values",
  "list",
  "hits",
  "nodes",
  "edges",
  "elements",
]);
/** Lists under these keys describe the response, they are not its records. */
const NON_RECORD_KEYS = new Set([
  "meta",
  "metadata",
  "pagination",
  "links",
  "_links",
  "errors",
  "warnings",
  "extras",
  "headers",
]);
const MAX_DEPTH = 3;

export type RecordSelector = (body: unknown) => DataRecord[];

/** Turns matched values into records: one list match is the page; objects are records; scalars wrap as `{value}`. */
function toRecords(matches: unknown[]): DataRecord[] {
  if (matches.length === 1) {
    const only = matches[0];
    if (Array.isArray(only)) return asRecords(only);
    if (only === null || only === undefined) return [];
    return asRecords(matches);
  }
  let flat = false;
  for (const m of matches) if (Array.isArray(m)) flat = true;
  if (!flat) return asRecords(matches.filter((m) => m !== null && m !== undefined));
  const out: unknown[] = [];
  for (const m of matches) {
    if (Array.isArray(m)) for (const x of m) out.push(x);
    else if (m !== null && m !== undefined) out.push(m);
  }
  return asRecords(out);
}

/**
 * The list itself when its items are objects (the common case: no copy, no per-record work), else a
 * copy with scalars wrapped as `{value}`. API lists are homogeneous, so the ends decide.
 */
function asRecords(items: unknown[]): DataRecord[] {
  const n = items.length;
  if (n === 0 || (isRecord(items[0]) && isRecord(items[n - 1]))) return items as DataRecord[];
  return items.map((x) => (isRecord(x) ? x : { value: x }));
}

function isRecord(v: unknown): v is DataRecord {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A selector for a configured `data_selector` path. */
export function compileSelector(path: string): RecordSelector {
  const segments: PathSegment[] = compilePath(path);
  if (segments.length === 0) return (body) => toRecords([body]);
  if (segments.length === 1 && segments[0]!.k === 0) {
    // The overwhelmingly common `data` / `$.data`: one property read, no intermediate arrays.
    const key = segments[0]!.key;
    return (body) => {
      if (body === null || typeof body !== "object" || Array.isArray(body)) return [];
      const v = (body as Record<string, unknown>)[key];
      if (v === undefined || v === null) return [];
      return Array.isArray(v) ? asRecords(v) : asRecords([v]);
    };
  }
  return (body) => toRecords(findAll(body, segments));
}

/**
 * dlt's detection when no `data_selector` is set: a top-level list is the page; otherwise the first list
 * under a well-known key within three levels, else the longest list; a dict without lists is one record.
 * Returns the JSONPath it chose, so the client can log it and reuse it for the following pages.
 */
export function detectRecordPath(body: unknown): string {
  if (Array.isArray(body) || body === null || typeof body !== "object") return "$";
  let frontier: Array<{ path: string[]; value: Record<string, unknown> }> = [
    { path: [], value: body as Record<string, unknown> },
  ];
  let longest: { path: string[]; length: number } | undefined;
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      for (const key in node.value) {
        if (NON_RECORD_KEYS.has(key.toLowerCase())) continue;
        const child = node.value[key];
        const path = [...node.path, key];
        if (Array.isArray(child)) {
          if (RECORD_KEYS.has(key.toLowerCase())) return pathString(path);
          if (!longest || child.length > longest.length) longest = { path, length: child.length };
        } else if (child !== null && typeof child === "object") {
          next.push({ path, value: child as Record<string, unknown> });
        }
      }
    }
    frontier = next;
  }
  return longest ? pathString(longest.path) : "$";
}

function pathString(keys: string[]): string {
  return `$${keys.map((k) => (/^[A-Za-z_][\w-]*$/.test(k) ? `.${k}` : `['${k}']`)).join("")}`;
}

/** Records of a body under a selector path, or detected when the path is undefined. */
export function selectRecords(body: unknown, path?: string): DataRecord[] {
  return compileSelector(path ?? detectRecordPath(body))(body);
}
