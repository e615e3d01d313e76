import { z } from "zod";
import { SluiceError } from "../../core/errors.js";
import { setPath } from "../../core/json-path.js";
import { configObject, nonNegativeInt } from "../options-schema.js";
import { jsonBodyObject, type PreparedRequest } from "../request.js";
import { hasMorePath, maximumPages, stopAfterEmptyPage } from "./common-options.js";
import { checkValueTarget, RangePaginator } from "./range.js";
import type { PaginatorRegistration } from "./registry.js";

export const offsetSchema = configObject({
  type: z.literal("offset").describe('"offset".'),
  limit: z.number().int().positive().describe("Page size, sent as the limit parameter; required."),
  offset: nonNegativeInt().optional().describe("First offset; default 0."),
  offset_param: z.string().optional().describe('Query parameter for the offset; default "offset".'),
  limit_param: z.string().optional().describe('Query parameter for the page size; default "limit".'),
  total_path: z
    .string()
    .nullable()
    .optional()
    .describe("JSON path of the total in the response; null or absent: stop on a short or empty page."),
  maximum_offset: nonNegativeInt().optional().describe("Stop before requesting an offset at or above this."),
  stop_after_empty_page: stopAfterEmptyPage(),
  has_more_path: hasMorePath(),
  offset_body_path: z.string().optional().describe("Send the offset in the JSON body at this path instead."),
  limit_body_path: z.string().optional().describe("Send the limit in the JSON body at this path instead."),
  maximum_pages: maximumPages(),
}).describe("Offset/limit pagination.");

export type OffsetPaginatorConfig = Omit<z.output<typeof offsetSchema>, "type" | "maximum_pages">;

/** dlt's `offset`: `offset=0&limit=N`, then offset += limit; stops at offset >= total or maximum_offset. */
export class OffsetPaginator extends RangePaginator {
  readonly type = "offset";
  readonly limit: number;
  private readonly limitParam: string;
  private readonly limitBodyPath: string | undefined;

  constructor(cfg: OffsetPaginatorConfig) {
    if (!(cfg.limit > 0)) {
      throw new SluiceError(`offset paginator needs a positive \`limit\`, got ${String(cfg.limit)}`, {
        code: "PAGINATOR_INVALID",
        hint: "Set paginator.limit to the page size the API accepts, e.g. 100.",
      });
    }
    super({
      kind: "offset",
      start: cfg.offset ?? 0,
      step: cfg.limit,
      param: cfg.offset_param,
      bodyPath: cfg.offset_body_path,
      totalPath: cfg.total_path === undefined ? "total" : cfg.total_path,
      maximum: cfg.maximum_offset,
      stopAfterEmptyPage: cfg.stop_after_empty_page ?? true,
      hasMorePath: cfg.has_more_path,
      pageSize: cfg.limit,
    });
    checkValueTarget("limit", cfg.limit_param, cfg.limit_body_path);
    this.limit = cfg.limit;
    this.limitParam = cfg.limit_param ?? "limit";
    this.limitBodyPath = cfg.limit_body_path;
  }

  override init(request: PreparedRequest): void {
    super.init(request);
    if (this.limitBodyPath) setPath(jsonBodyObject(request), this.limitBodyPath, this.limit);
    else request.params[this.limitParam] = this.limit;
  }

  protected totalReached(total: number): boolean {
    return this.current >= total;
  }
}

export const offset: PaginatorRegistration<typeof offsetSchema> = {
  schema: offsetSchema,
  create: (config) => new OffsetPaginator(config),
};
