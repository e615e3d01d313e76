import { describe, expect, it } from "vitest";
import { detectPaginator } from "./detect-paginator.js";
import { recordsShape } from "./detect-records.js";
import type { Param } from "./spec-model.js";

const q = (name: string, schema: Record<string, unknown> = { type: "integer" }): Param => ({
  name,
  in: "query",
  required: false,
  schema,
});
const list = (extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties: {
    data: { type: "array", items: { type: "object", properties: { id: { type: "integer" } } } },
    ...extra,
  },
});

describe("paginator detection: parameters and the response", () => {
  it("a next-URL field wins over paging parameters", () => {
    const shape = recordsShape(
      list({ links: { type: "object", properties: { next: { type: "string" } } } }),
      "x",
    );
    expect(shape?.nextUrlPath).toBe("links.next");
    const g = detectPaginator([q("page")], shape!, []);
    expect(g.paginator).toEqual({ type: "json_link", next_url_path: "links.next" });
  });

  it("a cursor parameter with the response field that feeds it; without the field, low confidence", () => {
    const shape = recordsShape(
      list({ meta: { type: "object", properties: { next_cursor: { type: "string" } } } }),
      "x",
    );
    expect(detectPaginator([q("cursor", { type: "string" })], shape!, [])).toMatchObject({
      paginator: { type: "cursor", cursor_path: "meta.next_cursor", cursor_param: "cursor" },
      confidence: "high",
    });
    expect(detectPaginator([q("after", { type: "string" })], recordsShape(list(), "x")!, [])).toMatchObject({
      paginator: { type: "cursor", cursor_param: "after" },
      confidence: "low",
    });
  });

  it("a cursor header the response declares, and the Link header", () => {
    const shape = recordsShape(list(), "x")!;
    expect(
      detectPaginator([q("page_token", { type: "string" })], shape, ["x-next-page-token"]).paginator,
    ).toEqual({
      type: "header_cursor",
      cursor_key: "x-next-page-token",
      cursor_param: "page_token",
    });
    expect(detectPaginator([q("per_page", { type: "integer", maximum: 50 })], shape, ["link"])).toMatchObject(
      {
        paginator: { type: "header_link" },
        params: { per_page: 50 },
      },
    );
  });

  it("offset/limit with a total; page numbers from the parameter's minimum; no paging at all", () => {
    const shape = recordsShape(list({ total_count: { type: "integer" } }), "x")!;
    expect(
      detectPaginator([q("skip"), q("take", { type: "integer", default: 25 })], shape, []).paginator,
    ).toEqual({
      type: "offset",
      limit: 25,
      offset_param: "skip",
      limit_param: "take",
      total_path: "total_count",
    });
    expect(detectPaginator([q("page", { type: "integer", minimum: 0 })], shape, []).paginator).toEqual({
      type: "page_number",
      base_page: 0,
    });
    expect(detectPaginator([], shape, []).paginator).toEqual({ type: "single_page" });
  });

  it("records: the body itself, a wrapper, or none for a single object with a list inside", () => {
    expect(
      recordsShape({ type: "array", items: { type: "object", properties: { id: {} } } }, "x")?.selector,
    ).toBe("$");
    expect(
      recordsShape(
        {
          type: "object",
          properties: {
            response: {
              type: "object",
              properties: { items: { type: "array", items: { type: "object", properties: { a: {} } } } },
            },
          },
        },
        "x",
      )?.selector,
    ).toBe("response.items");
    const record = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, { type: "string" }]));
    expect(
      recordsShape(
        {
          type: "object",
          properties: {
            ...record,
            lines: { type: "array", items: { type: "object", properties: { a: {} } } },
          },
        },
        "order",
      ),
    ).toBeUndefined();
  });
});
