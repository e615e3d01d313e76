import { z } from "zod";
import { configObject } from "../options-schema.js";
import type { HttpResponse } from "../types.js";
import { BasePaginator } from "./paginator.js";
import type { PaginatorRegistration } from "./registry.js";

export const singlePageSchema = configObject({
  type: z.literal("single_page").describe('"single_page": one request, no pagination.'),
}).describe("No pagination.");

export class SinglePagePaginator extends BasePaginator {
  readonly type = "single_page";
  update(_response: HttpResponse, _records: readonly unknown[]): void {
    this.stop("single page");
  }
  next(): void {}
}

export const singlePage: PaginatorRegistration<typeof singlePageSchema> = {
  schema: singlePageSchema,
  create: () => new SinglePagePaginator(),
};
