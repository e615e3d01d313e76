import { SluiceError } from "./errors.js";

/**
 * The JSONPath subset sluice reads — what REST configs use in `data_selector`, `total_path`,
 * `cursor_path`, `next_url_path`, `has_more_path`: `a.b`, `$.a`, `$`, `a.*.b`, `a[*].b`, `a[0]`,
 * `a['odd key']`. A full JSONPath library costs more per page than the whole selection. It lives here,
 * below both config and http, so `validate` compiles every path exactly as a run reads it.
 */
export type PathSegment =
  | { kind: "key"; key: string }
  /** `[n]`; a negative n counts from the end. */
  | { kind: "index"; index: number }
  /** `*` or `[*]`: every element of a list, every value of an object. */
  | { kind: "wildcard" };

const cache = new Map<string, PathSegment[]>();

export class JsonPathError extends SluiceError {
  constructor(path: string, detail: string) {
    super(`Unsupported JSONPath "${path}": ${detail}`, {
      code: "JSONPATH_INVALID",
      hint: "Use dotted keys with optional `$`, `*`/`[*]` wildcards, `[n]` indexes or `['key']`, e.g. `data`, `$.items[*].data`.",
    });
  }
}

export function compilePath(path: string): PathSegment[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const segments = parse(path);
  cache.set(path, segments);
  return segments;
}

function parse(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const s = path.trim();
  if (s.startsWith("$")) i = 1;
  let expectKey = i === 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ".") {
      if (s[i + 1] === ".") throw new JsonPathError(path, "recursive descent `..` is not supported");
      i++;
      expectKey = true;
      continue;
    }
    if (c === "[") {
      if (s[i + 1] === "?") throw new JsonPathError(path, "filter expressions `[?(...)]` are not supported");
      const end = s.indexOf("]", i);
      if (end < 0) throw new JsonPathError(path, "unclosed `[`");
      const inner = s.slice(i + 1, end).trim();
      if (inner === "*") out.push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) out.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) out.push({ kind: "key", key: inner.slice(1, -1) });
      else if (inner.includes(":")) throw new JsonPathError(path, `slices \`[${inner}]\` are not supported`);
      else if (inner.includes(",")) throw new JsonPathError(path, `unions \`[${inner}]\` are not supported`);
      else throw new JsonPathError(path, `cannot read \`[${inner}]\``);
      i = end + 1;
      expectKey = false;
      continue;
    }
    if (!expectKey) throw new JsonPathError(path, `unexpected \`${c}\` at ${i}`);
    let end = i;
    while (end < s.length && s[end] !== "." && s[end] !== "[") end++;
    const key = s.slice(i, end);
    out.push(key === "*" ? { kind: "wildcard" } : { kind: "key", key });
    i = end;
    expectKey = false;
  }
  return out;
}

/** Every value the path matches, in document order. */
export function findAll(value: unknown, path: string | PathSegment[]): unknown[] {
  const segments = typeof path === "string" ? compilePath(path) : path;
  let current: unknown[] = [value];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== "object") continue;
      if (seg.kind === "key") {
        if (Array.isArray(v)) continue;
        const child = (v as Record<string, unknown>)[seg.key];
        if (child !== undefined) next.push(child);
      } else if (seg.kind === "index") {
        if (!Array.isArray(v)) continue;
        const child = v[seg.index < 0 ? v.length + seg.index : seg.index];
        if (child !== undefined) next.push(child);
      } else if (Array.isArray(v)) {
        for (const child of v) next.push(child);
      } else {
        for (const key in v) next.push((v as Record<string, unknown>)[key]);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The first value the path matches, or undefined. Fast path for plain dotted keys. */
export function getPath(value: unknown, path: string | PathSegment[]): unknown {
  const segments = typeof path === "string" ? compilePath(path) : path;
  let v = value;
  for (const seg of segments) {
    if (seg.kind === "wildcard") return findAll(value, segments)[0];
    if (v === null || typeof v !== "object") return undefined;
    if (seg.kind === "key") v = Array.isArray(v) ? undefined : (v as Record<string, unknown>)[seg.key];
    else v = Array.isArray(v) ? v[seg.index < 0 ? v.length + seg.index : seg.index] : undefined;
  }
  return v;
}

/** Sets `path` (keys only) in `target`, creating objects on the way: for pagination values in POST bodies. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = compilePath(path);
  let obj: Record<string, unknown> = target;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (seg.kind !== "key") throw new JsonPathError(path, "body paths take keys only");
    if (i === segments.length - 1) {
      obj[seg.key] = value;
      return;
    }
    const child = obj[seg.key];
    if (child === null || typeof child !== "object" || Array.isArray(child)) {
      const fresh: Record<string, unknown> = {};
      obj[seg.key] = fresh;
      obj = fresh;
    } else {
      obj = child as Record<string, unknown>;
    }
  }
}
