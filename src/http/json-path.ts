import { compilePath, JsonPathError, type PathSegment } from "../core/json-path.js";

export { compilePath, JsonPathError, type PathSegment };

/** Every value the path matches, in document order. */
export function findAll(value: unknown, path: string | PathSegment[]): unknown[] {
  const segments = typeof path === "string" ? compilePath(path) : path;
  let current: unknown[] = [value];
  for (const seg of segments) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== "object") continue;
      if (seg.k === 0) {
        if (Array.isArray(v)) continue;
        const child = (v as Record<string, unknown>)[seg.key];
        if (child !== undefined) next.push(child);
      } else if (seg.k === 1) {
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
    if (seg.k === 2) return findAll(value, segments)[0];
    if (v === null || typeof v !== "object") return undefined;
    if (seg.k === 0) v = Array.isArray(v) ? undefined : (v as Record<string, unknown>)[seg.key];
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
    if (seg.k !== 0) throw new JsonPathError(path, "body paths take keys only");
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
