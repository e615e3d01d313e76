import { objectItems, properties, type Schema, typeOf } from "./json-schema.js";

/** Where a list response keeps its records, and what else its body tells a paginator. */
export interface RecordsShape {
  /** JSON path of the records; "$" when the body is the list itself. */
  selector: string;
  items: Schema;
  /** Dotted paths of fields next to the records. */
  totalPath?: string;
  totalPagesPath?: string;
  nextUrlPath?: string;
  cursorPath?: string;
  hasMorePath?: string;
}

const MAX_WRAPPER_FIELDS = 8;
const WRAPPER_NAMES = [
  "data",
  "items",
  "results",
  "records",
  "entries",
  "values",
  "objects",
  "list",
  "rows",
  "content",
  "elements",
  "hits",
];
const TOTAL = [
  "total",
  "total_count",
  "totalcount",
  "count",
  "total_results",
  "totalresults",
  "total_items",
  "totalitems",
  "total_records",
  "totalelements",
  "total_elements",
];
const TOTAL_PAGES = [
  "total_pages",
  "totalpages",
  "page_count",
  "pagecount",
  "pages",
  "last_page",
  "lastpage",
];
const NEXT_URL = [
  "next",
  "next_url",
  "nexturl",
  "next_page_url",
  "nextpageurl",
  "next_link",
  "nextlink",
  "@odata.nextlink",
  "links.next",
  "_links.next.href",
  "paging.next",
  "pagination.next",
];
const CURSOR = [
  "next_cursor",
  "nextcursor",
  "cursor",
  "next_page_token",
  "nextpagetoken",
  "page_token",
  "continuation",
  "continuation_token",
  "after",
  "end_cursor",
  "endcursor",
  "next_token",
  "nexttoken",
  "paging.cursors.after",
  "meta.next_cursor",
  "pagination.next_cursor",
  "response_metadata.next_cursor",
];
const HAS_MORE = ["has_more", "hasmore", "has_next", "hasnext", "has_next_page", "hasnextpage", "more"];

/**
 * The records of a list response: the body itself when it is an array of objects, else the array of
 * objects one or two levels down, preferring the usual wrapper names (`data`, `items`, `results`, …) and,
 * at equal names, the shallower one. Undefined when the response is not a list.
 */
export function recordsShape(response: Schema | undefined, resourceName: string): RecordsShape | undefined {
  if (response === undefined) return undefined;
  const direct = objectItems(response);
  if (direct !== undefined) return { selector: "$", items: direct };
  if (typeOf(response) !== "object") return undefined;
  const candidates: { path: string; items: Schema; score: number }[] = [];
  const top = properties(response);
  // A wrapper is small (the list and its paging fields); an object with many fields and a list inside
  // is one record, not a page of them.
  const wrapper = Object.keys(top).length <= MAX_WRAPPER_FIELDS;
  for (const [name, schema] of Object.entries(top)) {
    const items = objectItems(schema);
    const named = nameScore(name, resourceName) >= 9;
    if (items !== undefined) {
      if (wrapper || named) candidates.push({ path: name, items, score: nameScore(name, resourceName) + 1 });
    } else if (
      typeOf(schema) === "object" &&
      (named ||
        WRAPPER_NAMES.includes(name.toLowerCase()) ||
        ["response", "result", "_embedded", "embedded"].includes(name.toLowerCase()))
    )
      for (const [inner, s] of Object.entries(properties(schema))) {
        const deep = objectItems(s);
        if (deep !== undefined)
          candidates.push({ path: `${name}.${inner}`, items: deep, score: nameScore(inner, resourceName) });
      }
  }
  const best = candidates.sort((a, b) => b.score - a.score)[0];
  if (best === undefined) return undefined;
  const fields = fieldPaths(response, 3);
  const find = (names: string[], type?: string) => {
    for (const n of names) {
      const hit = fields.find(
        (f) => f.path.toLowerCase() === n && (type === undefined || f.type === type || f.type === undefined),
      );
      if (hit !== undefined && !hit.path.startsWith(`${best.path}.`) && hit.path !== best.path)
        return hit.path;
    }
    return undefined;
  };
  const total = find(TOTAL, "integer");
  const totalPages = find(TOTAL_PAGES, "integer");
  const nextUrl = find(NEXT_URL, "string");
  const cursor = find(CURSOR, "string");
  const hasMore = find(HAS_MORE, "boolean");
  return {
    selector: best.path,
    items: best.items,
    ...(total === undefined ? {} : { totalPath: total }),
    ...(totalPages === undefined ? {} : { totalPagesPath: totalPages }),
    ...(nextUrl === undefined ? {} : { nextUrlPath: nextUrl }),
    ...(cursor === undefined ? {} : { cursorPath: cursor }),
    ...(hasMore === undefined ? {} : { hasMorePath: hasMore }),
  };
}

function nameScore(name: string, resourceName: string): number {
  const n = name.toLowerCase();
  if (WRAPPER_NAMES.includes(n)) return 10 - WRAPPER_NAMES.indexOf(n) / 100;
  if (n === resourceName.toLowerCase()) return 9;
  return 1;
}

/** Every scalar field of the body, as dotted paths, to a depth. */
function fieldPaths(
  schema: Schema,
  depth: number,
  prefix = "",
): { path: string; type: string | undefined }[] {
  if (depth === 0) return [];
  const out: { path: string; type: string | undefined }[] = [];
  for (const [name, s] of Object.entries(properties(schema))) {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    const t = typeOf(s);
    if (t === "object") out.push(...fieldPaths(s, depth - 1, path));
    else if (t !== "array") out.push({ path, type: t === "number" ? "integer" : t });
  }
  return out;
}
