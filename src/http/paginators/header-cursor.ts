import { headerValue } from "../headers.js";
import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { BasePaginator, SeenValues } from "./paginator.js";

/** dlt's `header_cursor`: the next cursor is a response header (`cursor_key`), sent back as `cursor_param`. */
export class HeaderCursorPaginator extends BasePaginator {
  readonly type = "header_cursor";
  readonly cursorKey: string;
  readonly cursorParam: string;
  cursor: string | undefined;
  private readonly seen = new SeenValues();

  constructor(cfg: { cursor_key?: string; cursor_param?: string } = {}) {
    super();
    this.cursorKey = cfg.cursor_key ?? "next";
    this.cursorParam = cfg.cursor_param ?? "cursor";
  }

  update(response: HttpResponse, _records: readonly unknown[]): void {
    const value = headerValue(response.headers, this.cursorKey);
    if (value === undefined || value.trim() === "") {
      this.stop(`no ${this.cursorKey} header`);
      return;
    }
    if (!this.seen.add(value)) {
      this.stop(
        "repeated cursor",
        value === this.cursor
          ? `the API returned the same ${this.cursorKey} header twice`
          : `the ${this.cursorKey} header repeats a cursor returned earlier in this run (a cycle)`,
      );
      return;
    }
    this.cursor = value;
  }

  next(request: PreparedRequest): void {
    request.params[this.cursorParam] = this.cursor;
  }
}
