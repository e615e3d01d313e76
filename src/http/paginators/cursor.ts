import { z } from "zod";
import { SluiceError } from "../../core/errors.js";
import { getPath, setPath } from "../../core/json-path.js";
import { configObject } from "../options-schema.js";
import { jsonBodyObject, type PreparedRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { cursorParam, maximumPages } from "./common-options.js";
import { BasePaginator, SeenValues } from "./paginator.js";
import type { PaginatorRegistration } from "./registry.js";

export const cursorSchema = configObject({
  type: z.literal("cursor").describe('"cursor".'),
  cursor_path: z
    .string()
    .optional()
    .describe('JSON path of the next cursor in the response; default "cursors.next".'),
  cursor_param: cursorParam(),
  cursor_body_path: z.string().optional().describe("Send the cursor in the JSON body at this path instead."),
  maximum_pages: maximumPages(),
}).describe("Cursor pagination: the next cursor is read from the response body.");

export type CursorPaginatorConfig = Omit<z.output<typeof cursorSchema>, "type" | "maximum_pages">;

/** dlt's `cursor`: the next cursor read from `cursor_path` goes into `cursor_param` (or `cursor_body_path`). */
export class CursorPaginator extends BasePaginator {
  readonly type = "cursor";
  readonly cursorPath: string;
  readonly cursorParam: string;
  readonly cursorBodyPath: string | undefined;
  cursor: string | number | undefined;
  private readonly seen = new SeenValues();

  constructor(cfg: CursorPaginatorConfig = {}) {
    super();
    // dlt checks only that both are set here: an empty cursor_param is accepted there, and here.
    if (cfg.cursor_param !== undefined && cfg.cursor_body_path !== undefined) {
      throw new SluiceError(
        `cursor_param and cursor_body_path are both set (dlt: "Either 'cursor_param' or 'cursor_body_path' must be provided, not both.")`,
        {
          code: "PAGINATOR_INVALID",
          hint: "keep one: cursor_param sends the value as a query parameter, cursor_body_path puts it in the JSON body",
        },
      );
    }
    this.cursorPath = cfg.cursor_path ?? "cursors.next";
    this.cursorBodyPath = cfg.cursor_body_path;
    this.cursorParam = cfg.cursor_param ?? "cursor";
  }

  update(response: HttpResponse, _records: readonly unknown[]): void {
    const value = getPath(response.body, this.cursorPath);
    if (pythonFalsy(value)) {
      this.stop(`no cursor at ${this.cursorPath}`);
      return;
    }
    const cursor = typeof value === "number" ? value : String(value);
    if (!this.seen.add(cursor)) {
      this.stop(
        "repeated cursor",
        cursor === this.cursor
          ? `the API returned the same cursor twice (${this.cursorPath})`
          : `the cursor at ${this.cursorPath} repeats one returned earlier in this run (a cycle)`,
      );
      return;
    }
    this.cursor = cursor;
  }

  next(request: PreparedRequest): void {
    if (this.cursorBodyPath) setPath(jsonBodyObject(request), this.cursorBodyPath, this.cursor);
    else request.params[this.cursorParam] = this.cursor;
  }
}

/** dlt stops on any cursor Python calls false (`values[0] if values and values[0] else None`). */
function pythonFalsy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

export const cursor: PaginatorRegistration<typeof cursorSchema> = {
  schema: cursorSchema,
  create: (config) => new CursorPaginator(config),
};
