import { z } from "zod";
import { configObject } from "../options-schema.js";
import { hasMorePath, maximumPages, stopAfterEmptyPage } from "./common-options.js";
import { RangePaginator } from "./range.js";
import type { PaginatorRegistration } from "./registry.js";

export const pageNumberSchema = configObject({
  type: z.literal("page_number").describe('"page_number".'),
  base_page: z.number().int().optional().describe("Number of the first page (dlt's spelling); default 0."),
  start_from_page: z
    .number()
    .int()
    .optional()
    .describe("Number of the first page: base_page in the `start_from_page`/`limit` spelling."),
  page: z.number().int().optional().describe("Page to start at when it differs from base_page."),
  page_param: z.string().optional().describe('Query parameter for the page number; default "page".'),
  page_body_path: z
    .string()
    .optional()
    .describe("Send the page number in the JSON body at this path instead."),
  total_path: z
    .string()
    .nullable()
    .optional()
    .describe("JSON path of the total number of pages; null or absent: stop on a short or empty page."),
  maximum_page: z
    .number()
    .int()
    .optional()
    .describe("Stop before this page number, as dlt: base_page 1 and maximum_page 3 request pages 1 and 2."),
  stop_after_empty_page: stopAfterEmptyPage(),
  has_more_path: hasMorePath(),
  limit: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Page size, in the `start_from_page`/`limit` spelling: a page with fewer records is the last."),
  maximum_pages: maximumPages(),
}).describe("Page-number pagination.");

export type PageNumberPaginatorConfig = Omit<z.output<typeof pageNumberSchema>, "type" | "maximum_pages">;

/**
 * dlt's `page_number`: `page=base_page`, then +1; `total_path` holds the number of pages, so it stops at
 * page >= total + base_page. `maximum_page` is exclusive, as in dlt: base_page 1 and maximum_page 3
 * request pages 1 and 2. In the `start_from_page`/`limit` spelling, `start_from_page` is base_page and
 * `limit` the page size (a shorter page is the last).
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

export const pageNumber: PaginatorRegistration<typeof pageNumberSchema> = {
  schema: pageNumberSchema,
  create: (config) => new PageNumberPaginator(config),
};
