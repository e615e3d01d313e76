import type { HttpResponse } from "../types.js";
import { BasePaginator } from "./paginator.js";

export class SinglePagePaginator extends BasePaginator {
  readonly type = "single_page";
  update(_response: HttpResponse, _records: readonly unknown[]): void {
    this.stop("single page");
  }
  next(): void {}
}
