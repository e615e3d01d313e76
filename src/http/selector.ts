import { SluiceError } from "../core/errors.js";
import { type DataRecord, isPlainObject } from "../core/json.js";
import { compilePath, findAll, type PathSegment } from "../core/json-path.js";
import { closest } from "../core/suggest.js";

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
  if (n === 0 || (isPlainObject(items[0]) && isPlainObject(items[n - 1]))) return items as DataRecord[];
  return items.map((x) => (isPlainObject(x) ? x : { value: x }));
}

/** A selector for a configured `data_selector` path. */
export function compileSelector(path: string): RecordSelector {
  const segments: PathSegment[] = compilePath(path);
  if (segments.length === 0) return (body) => toRecords([body]);
  if (segments.length === 1 && segments[0]!.kind === "key") {
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

/** Why a `data_selector` matched nothing: where the path left the response, the keys found there, a guess. */
export interface SelectorMiss {
  /** The part of the path that did match (`""` for the response itself). */
  at: string;
  /** Keys of the object where the path went missing, or a description of what stood there instead. */
  found: string;
  /** A selector that would match, when one is near or the response has an obvious record list. */
  suggestion: string | undefined;
}

const KEYS_SHOWN = 20;

/**
 * The reason a selector found no records in a response, or undefined when finding none is right: an
 * empty body, an empty list (`data: []`, `items[*]` over `[]`) or an explicit `null` are empty pages, not
 * a wrong path. dlt loads nothing and says nothing here; a typo'd selector would then load an empty table
 * and succeed, which no user wants.
 */
export function explainSelectorMiss(body: unknown, path: string): SelectorMiss | undefined {
  if (!hasContent(body)) return undefined;
  const segments = compilePath(path);
  let current: unknown[] = [body];
  const walked: PathSegment[] = [];
  for (const seg of segments) {
    const next = findAll(current, [{ kind: "wildcard" }, seg]);
    if (next.length === 0) {
      if (current.every((v) => v === null)) return undefined;
      // Stepping into an empty list or over an empty object is an empty page; a key or index that is not
      // there (or a value of the wrong kind) is a path that does not fit this response.
      if (seg.kind !== "key" && current.every((v) => Array.isArray(v) || isPlainObject(v))) return undefined;
      if (seg.kind === "key" && current.every((v) => Array.isArray(v) && v.length === 0)) return undefined;
      return describeMiss(body, walked, seg, current);
    }
    walked.push(seg);
    current = next;
  }
  return undefined;
}

function hasContent(body: unknown): boolean {
  if (body === null || body === undefined) return false;
  if (typeof body === "string") return body.trim() !== "";
  if (Array.isArray(body)) return body.length > 0;
  if (typeof body === "object") return Object.keys(body).length > 0;
  return true;
}

function describeMiss(
  body: unknown,
  walked: PathSegment[],
  missing: PathSegment,
  there: unknown[],
): SelectorMiss {
  const at = segmentsString(walked);
  const objects = there.filter(isPlainObject);
  const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  const found =
    keys.length > 0
      ? `keys ${keys.slice(0, KEYS_SHOWN).join(", ")}${keys.length > KEYS_SHOWN ? `, … (${keys.length} in all)` : ""}`
      : objects.length > 0
        ? "an empty object"
        : kindOf(there[0]);
  let suggestion: string | undefined;
  if (missing.kind === "key") {
    const near = closest(missing.key, keys);
    if (near !== undefined) suggestion = simplePath([...walked, { kind: "key", key: near }]);
  }
  if (suggestion === undefined && body !== null && typeof body === "object") {
    const detected = detectRecordPath(body);
    suggestion = simplePath(compilePath(detected));
  }
  return { at, found, suggestion };
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? "" : "s"}`;
  if (typeof v === "string") return "text, not JSON";
  return `a ${v === null ? "null" : typeof v} value`;
}

function segmentsString(segments: PathSegment[]): string {
  return segments
    .map((s, i) =>
      s.kind === "key" ? `${i > 0 ? "." : ""}${s.key}` : s.kind === "index" ? `[${s.index}]` : "[*]",
    )
    .join("");
}

/** The path as a user would write it in `data_selector` (`data`, `result.items`, `$` for the response). */
function simplePath(segments: PathSegment[]): string {
  return segments.length === 0 ? "$" : segmentsString(segments);
}

/** One line for the resource's error: `data_selector "items" matched nothing; the response has keys data, total: did you mean "data"?` */
export function selectorMissMessage(path: string, miss: SelectorMiss): string {
  const where = miss.at === "" ? "the response" : `"${miss.at}" in the response`;
  const verb = miss.found.startsWith("keys") ? "has" : "is";
  const guess =
    miss.suggestion !== undefined && miss.suggestion !== path ? `: did you mean "${miss.suggestion}"?` : "";
  return `data_selector "${path}" matched nothing; ${where} ${verb} ${miss.found}${guess}`;
}

/** A list in a response that could hold the records, with the selector that reaches it. */
export interface RecordListCandidate {
  /** As `data_selector` takes it: `data`, `result.items`, `$` for a response that is the list. */
  path: string;
  length: number;
  /** What the list holds: `objects`, `strings`, `numbers`, `lists`, `mixed values`, or `nothing` when empty. */
  items: string;
}

/** Every list in a response (breadth first, up to `max`), biggest object lists first: the help for a wrong selector. */
export function recordListCandidates(body: unknown, max = 10): RecordListCandidate[] {
  const found: RecordListCandidate[] = [];
  let frontier: Array<{ path: PathSegment[]; value: unknown }> = [{ path: [], value: body }];
  for (let depth = 0; depth <= MAX_DEPTH && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const { path, value } of frontier) {
      if (Array.isArray(value))
        found.push({ path: simplePath(path), length: value.length, items: itemKinds(value) });
      else if (isPlainObject(value))
        for (const [key, child] of Object.entries(value))
          next.push({ path: [...path, { kind: "key", key }], value: child });
    }
    frontier = next;
  }
  const rank = (c: RecordListCandidate) => (c.items === "objects" ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b) || b.length - a.length).slice(0, max);
}

function itemKinds(list: unknown[]): string {
  if (list.length === 0) return "nothing";
  const kinds = new Set(
    list.map((v) =>
      Array.isArray(v) ? "lists" : isPlainObject(v) ? "objects" : v === null ? "nulls" : `${typeof v}s`,
    ),
  );
  return kinds.size === 1 ? [...kinds][0]! : "mixed values";
}

/** One line per candidate list, for an error or a preview: `data (20 objects)`. */
export function formatCandidates(candidates: readonly RecordListCandidate[]): string {
  return candidates
    .map((c) => `${c.path} (${c.length} ${c.items === "nothing" ? "items" : c.items})`)
    .join(", ");
}

/** A configured data_selector found no records in a response that has content. */
export class SelectorMissError extends SluiceError {
  /** The lists the response does have, for the fix. */
  readonly candidates: RecordListCandidate[];
  constructor(message: string, hint: string, candidates: RecordListCandidate[]) {
    super(message, { code: "DATA_SELECTOR_MISSED", hint });
    this.candidates = candidates;
  }
}
