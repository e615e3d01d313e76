import { z } from "zod";
import { configObject } from "../options-schema.js";
import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { maximumPages } from "./common-options.js";
import { CursorPaginator } from "./cursor.js";
import { HeaderLinkPaginator, parseLinkHeader } from "./header-link.js";
import { JsonLinkPaginator } from "./json-link.js";
import { PageNumberPaginator } from "./page-number.js";
import type { PagePlan, Paginator } from "./paginator.js";
import type { PaginatorRegistration } from "./registry.js";
import { SinglePagePaginator } from "./single-page.js";

export const autoSchema = configObject({
  type: z.literal("auto").describe('"auto".'),
  maximum_pages: maximumPages(),
}).describe("Detect the pagination from the first response.");

const NEXT_URL_KEY = /^(next|next_?url|next_?link|next_?page(_?url|_?link)?|nextpageurl)$/i;
const TOTAL_PAGES_KEY = /^(total_?pages|pages|page_?count|num_?pages|number_?of_?pages|last_?page)$/i;
const NEXT_CURSOR_KEY =
  /^(next_?cursor|next_?page_?token|next_?token|continuation_?token|end_?cursor|after|next)$/i;
const CURSOR_CONTAINER = /^(cursors?|paging|pagination|meta|page_?info)$/i;
const MAX_DEPTH = 3;

interface Found {
  path: string;
  key: string;
  value: unknown;
}

function looksLikeUrl(v: unknown): boolean {
  return typeof v === "string" && /^(https?:\/\/|\/|\?)/i.test(v);
}

/** Breadth-first over nested objects (not lists), up to three levels: shallow keys win. */
function findKey(
  body: unknown,
  test: (key: string, value: unknown, parentKey: string) => boolean,
): Found | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  let frontier: Array<{ path: string; key: string; obj: Record<string, unknown> }> = [
    { path: "", key: "", obj: body as Record<string, unknown> },
  ];
  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      for (const key in node.obj) {
        const value = node.obj[key];
        const path = node.path ? `${node.path}.${key}` : key;
        if (test(key, value, node.key)) return { path, key, value };
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          next.push({ path, key, obj: value as Record<string, unknown> });
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

/** dlt-style detection from the first response. Returns the paginator and a line saying why. */
export function detectPaginator(response: HttpResponse): { paginator: Paginator; reason: string } {
  if (parseLinkHeader(response.headers["link"])["next"] !== undefined) {
    return { paginator: new HeaderLinkPaginator(), reason: "Link header with rel=next" };
  }
  const body = response.body;
  const nextUrl = findKey(body, (key, value) => {
    if (!NEXT_URL_KEY.test(key) && !(key === "next" || key.toLowerCase() === "href")) return false;
    if (looksLikeUrl(value)) return true;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      return NEXT_URL_KEY.test(key) && (looksLikeUrl(o.href) || looksLikeUrl(o.url));
    }
    return false;
  });
  if (nextUrl && nextUrl.key.toLowerCase() !== "href") {
    return {
      paginator: new JsonLinkPaginator({ next_url_path: nextUrl.path }),
      reason: `next-page URL at ${nextUrl.path}`,
    };
  }
  if (nextUrl && nextUrl.key.toLowerCase() === "href" && /(^|\.)next\.href$/i.test(nextUrl.path)) {
    return {
      paginator: new JsonLinkPaginator({ next_url_path: nextUrl.path.replace(/\.href$/i, "") }),
      reason: `next-page URL at ${nextUrl.path}`,
    };
  }
  const totalPages = findKey(body, (key, value) => TOTAL_PAGES_KEY.test(key) && typeof value === "number");
  if (totalPages) {
    return {
      paginator: new PageNumberPaginator({ base_page: 1, page: 1, total_path: totalPages.path }),
      reason: `total pages at ${totalPages.path}`,
    };
  }
  const cursor = findKey(body, (key, value, parentKey) => {
    if (typeof value !== "string" && typeof value !== "number") return false;
    if (looksLikeUrl(value)) return false;
    if (key.toLowerCase() === "next" || key.toLowerCase() === "after")
      return CURSOR_CONTAINER.test(parentKey);
    return NEXT_CURSOR_KEY.test(key);
  });
  if (cursor) {
    const param = /page_?token/i.test(cursor.key)
      ? cursor.key.includes("_")
        ? "page_token"
        : "pageToken"
      : "cursor";
    return {
      paginator: new CursorPaginator({ cursor_path: cursor.path, cursor_param: param }),
      reason: `next cursor at ${cursor.path} (sent as ${param})`,
    };
  }
  return { paginator: new SinglePagePaginator(), reason: "no pagination found in the first response" };
}

/** Used when no paginator is configured: decides on the first response, then delegates. */
export class AutoPaginator implements Paginator {
  readonly type = "auto";
  private delegate: Paginator | undefined;

  constructor(private readonly onDetect?: (paginatorType: string, reason: string) => void) {}

  init(_request: PreparedRequest): void {}

  update(response: HttpResponse, records: readonly unknown[]): void {
    if (!this.delegate) {
      const { paginator, reason } = detectPaginator(response);
      this.delegate = paginator;
      this.onDetect?.(paginator.type, reason);
    }
    this.delegate.update(response, records);
  }

  get hasNext(): boolean {
    return this.delegate ? this.delegate.hasNext : true;
  }

  next(request: PreparedRequest): void {
    this.delegate?.next(request);
  }

  get stopReason(): string | undefined {
    return this.delegate?.stopReason;
  }

  get warning(): string | undefined {
    return this.delegate?.warning;
  }

  planRemaining(limit: number): PagePlan | undefined {
    return this.delegate?.planRemaining?.(limit);
  }
}

export const auto: PaginatorRegistration<typeof autoSchema> = {
  schema: autoSchema,
  create: (_config, context) => new AutoPaginator(context.onDetect),
};
