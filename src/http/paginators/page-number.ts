import type { PaginatorConfig } from "../types.js";
import { RangePaginator } from "./range.js";

export type PageNumberPaginatorConfig = Omit<
  Extract<PaginatorConfig, { type: "page_number" }>,
  "type" | "maximum_pages"
>;

/**
 * dlt's `page_number`: `page=base_page`, then +1; `total_path` holds the number of pages, so it stops at
 * page >= total + base_page. `maximum_page` is exclusive, as in dlt: base_page 1 and maximum_page 3
 * request pages 1 and 2. The seeds' `start_from_page`
 * is base_page, their `limit` the page size (a shorter page is the last).
 */
export class PageNumberPaginator extends RangePaginator {
  readonly type = "page_number";
  readonly basePage: number;

  constructor(cfg: PageNumberPaginatorConfig = {}) {
    const basePage = cfg.base_page ?? cfg.start_from_page ?? 0;
    super({
      kind: "page",
      start: cfg.page ?? basePage,
      step: 1,
      param: cfg.page_param,
      bodyPath: cfg.page_body_path,
      totalPath: cfg.total_path === undefined ? "total" : cfg.total_path,
      maximum: cfg.maximum_page,
      stopAfterEmptyPage: cfg.stop_after_empty_page ?? true,
      hasMorePath: cfg.has_more_path,
      pageSize: cfg.limit,
    });
    this.basePage = basePage;
  }

  protected totalReached(total: number): boolean {
    return this.current >= total + this.basePage;
  }
}
