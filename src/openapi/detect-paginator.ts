import type { RecordsShape } from "./detect-records.js";
import type { Param } from "./spec-model.js";

export type Confidence = "high" | "medium" | "low";

export interface PaginatorGuess {
  paginator: Record<string, unknown>;
  /** Query parameters the config must send on every page (a page size). */
  params: Record<string, string | number>;
  confidence: Confidence;
  why: string;
}

const OFFSET = ["offset", "skip", "start", "startindex", "start_index", "from"];
const LIMIT = [
  "limit",
  "per_page",
  "perpage",
  "page_size",
  "pagesize",
  "size",
  "count",
  "max_results",
  "maxresults",
  "top",
  "$top",
  "take",
  "pagelen",
];
const PAGE = ["page", "page_number", "pagenumber", "pageindex", "page_index", "p"];
const CURSOR = [
  "cursor",
  "after",
  "page_token",
  "pagetoken",
  "next_token",
  "nexttoken",
  "continuation",
  "continuation_token",
  "starting_after",
  "marker",
  "next",
  "since_id",
  "page_after",
];
const CURSOR_HEADERS = [
  "x-next-cursor",
  "x-next-page-token",
  "next-cursor",
  "x-next",
  "x-continuation",
  "x-next-page",
];
const DEFAULT_PAGE_SIZE = 100;

/**
 * How a list endpoint pages, read from its parameters *and* its response (body fields and declared
 * headers). A `Link` header or a next-URL field is certain; offset/page parameters are near certain;
 * a cursor parameter needs the response field that feeds it.
 */
export function detectPaginator(
  params: readonly Param[],
  shape: RecordsShape,
  headers: readonly string[],
): PaginatorGuess {
  const query = params.filter((p) => p.in === "query");
  const find = (names: string[]) => query.find((p) => names.includes(p.name.toLowerCase()));
  const cursorParam = find(CURSOR);
  if (headers.includes("link"))
    return {
      paginator: { type: "header_link" },
      params: pageSize(find(LIMIT)),
      confidence: "high",
      why: "the response declares a Link header",
    };
  const cursorHeader = headers.find((h) => CURSOR_HEADERS.includes(h));
  if (cursorHeader !== undefined)
    return {
      paginator: {
        type: "header_cursor",
        cursor_key: cursorHeader,
        ...(cursorParam ? { cursor_param: cursorParam.name } : {}),
      },
      params: pageSize(find(LIMIT)),
      confidence: cursorParam ? "high" : "medium",
      why: `the response declares a ${cursorHeader} header${cursorParam ? ` and the endpoint takes ${cursorParam.name}` : ""}`,
    };
  if (shape.nextUrlPath !== undefined)
    return {
      paginator: { type: "json_link", next_url_path: shape.nextUrlPath },
      params: pageSize(find(LIMIT)),
      confidence: "high",
      why: `the response has a next-page URL (${shape.nextUrlPath})`,
    };
  if (cursorParam !== undefined && shape.cursorPath !== undefined)
    return {
      paginator: { type: "cursor", cursor_path: shape.cursorPath, cursor_param: cursorParam.name },
      params: pageSize(find(LIMIT)),
      confidence: "high",
      why: `the endpoint takes ${cursorParam.name} and the response has ${shape.cursorPath}`,
    };
  const offset = find(OFFSET);
  const limit = find(LIMIT);
  if (offset !== undefined && limit !== undefined)
    return {
      paginator: {
        type: "offset",
        limit: sizeOf(limit),
        ...(offset.name === "offset" ? {} : { offset_param: offset.name }),
        ...(limit.name === "limit" ? {} : { limit_param: limit.name }),
        ...(shape.totalPath === undefined ? {} : { total_path: shape.totalPath }),
        ...(shape.hasMorePath === undefined ? {} : { has_more_path: shape.hasMorePath }),
      },
      params: {},
      confidence: shape.totalPath !== undefined || shape.hasMorePath !== undefined ? "high" : "medium",
      why: `the endpoint takes ${offset.name} and ${limit.name}${shape.totalPath ? `; the response has a total (${shape.totalPath})` : "; no total declared: it stops on a short page"}`,
    };
  const page = find(PAGE);
  if (page !== undefined) {
    const base = Number(page.schema["minimum"] ?? page.schema["default"] ?? 1);
    return {
      paginator: {
        type: "page_number",
        base_page: Number.isInteger(base) && base >= 0 && base <= 1 ? base : 1,
        ...(page.name === "page" ? {} : { page_param: page.name }),
        ...(shape.totalPagesPath === undefined ? {} : { total_path: shape.totalPagesPath }),
        ...(shape.hasMorePath === undefined ? {} : { has_more_path: shape.hasMorePath }),
      },
      params: pageSize(limit),
      confidence:
        shape.totalPagesPath !== undefined || shape.hasMorePath !== undefined || limit !== undefined
          ? "high"
          : "medium",
      why: `the endpoint takes ${page.name}${limit ? ` and ${limit.name}` : ""}${shape.totalPagesPath ? `; the response has the page count (${shape.totalPagesPath})` : "; it stops on an empty page"}`,
    };
  }
  if (cursorParam !== undefined)
    return {
      paginator: { type: "cursor", cursor_param: cursorParam.name },
      params: pageSize(limit),
      confidence: "low",
      why: `the endpoint takes ${cursorParam.name}, but the response declares no field that holds the next cursor: set cursor_path`,
    };
  return {
    paginator: { type: "single_page" },
    params: pageSize(limit),
    confidence: "medium",
    why: "the endpoint declares no paging parameters and the response no next link: one request",
  };
}

function sizeOf(p: Param): number {
  const def = Number(p.schema["default"]);
  const max = Number(p.schema["maximum"]);
  if (Number.isInteger(max) && max > 0) return Math.min(max, DEFAULT_PAGE_SIZE);
  if (Number.isInteger(def) && def > 0) return Math.max(def, Math.min(DEFAULT_PAGE_SIZE, def));
  return DEFAULT_PAGE_SIZE;
}

function pageSize(p: Param | undefined): Record<string, number> {
  return p === undefined ? {} : { [p.name]: sizeOf(p) };
}
