import { z } from "zod";
import { headerValue } from "../headers.js";
import { configObject } from "../options-schema.js";
import type { PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { cursorParam, maximumPages } from "./common-options.js";
import { BasePaginator, SeenValues } from "./paginator.js";
import type { PaginatorRegistration } from "./registry.js";

export const headerCursorSchema = configObject({
  type: z.literal("header_cursor").describe('"header_cursor".'),
  cursor_key: z.string().optional().describe('Response header holding the next cursor; default "next".'),
  cursor_param: cursorParam(),
  maximum_pages: maximumPages(),
}).describe("Cursor pagination: the next cursor is read from a response header.");

/** dlt's `header_cursor`: the next cursor is a response header (`cursor_key`), sent back as `cursor_param`. */
export class HeaderCursorPaginator extends BasePaginator {
  readonly type = "header_cursor";
  readonly cursorKey: string;
  readonly cursorParam: string;
  cursor: string | undefined;
  private readonly seen = new SeenValues();

  constructor(cfg: { cursor_key?: string | undefined; cursor_param?: string | undefined } = {}) {
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

export const headerCursor: PaginatorRegistration<typeof headerCursorSchema> = {
  schema: headerCursorSchema,
  create: (config) => new HeaderCursorPaginator(config),
};
