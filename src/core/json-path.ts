import { SluiceError } from "./errors.js";

/**
 * The JSONPath subset sluice reads — what REST configs use in `data_selector`, `total_path`,
 * `cursor_path`, `next_url_path`, `has_more_path`: `a.b`, `$.a`, `$`, `a.*.b`, `a[*].b`, `a[0]`,
 * `a['odd key']`. A full JSONPath library costs more per page than the whole selection. Parsing lives
 * here, below both config and http, so `validate` compiles every path exactly as a run does.
 */
export type PathSegment = { k: 0; key: string } | { k: 1; index: number } | { k: 2 };

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
      if (inner === "*") out.push({ k: 2 });
      else if (/^-?\d+$/.test(inner)) out.push({ k: 1, index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) out.push({ k: 0, key: inner.slice(1, -1) });
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
    out.push(key === "*" ? { k: 2 } : { k: 0, key });
    i = end;
    expectKey = false;
  }
  return out;
}
