import { describe, expect, it } from "vitest";
import { type PreparedRequest, prepareRequest } from "../request.js";
import type { HttpResponse } from "../types.js";
import { detectPaginator } from "./auto.js";
import { CursorPaginator } from "./cursor.js";
import { HeaderCursorPaginator } from "./header-cursor.js";
import { HeaderLinkPaginator, parseLinkHeader } from "./header-link.js";
import { createPaginator } from "./index.js";
import { JsonLinkPaginator } from "./json-link.js";
import { OffsetPaginator } from "./offset.js";
import { PageNumberPaginator } from "./page-number.js";
import type { Paginator } from "./paginator.js";

function resp(
  body: unknown,
  headers: HttpResponse["headers"] = {},
  url = "https://api.test/v1/items",
): HttpResponse {
  return { status: 200, headers, url, body };
}
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i }));
const req = (): PreparedRequest =>
  prepareRequest("https://api.test/v1", { path: "/items", params: { q: "x" } });

describe("offset paginator", () => {
  it("sets offset and limit, advances, stops at total", () => {
    const p = new OffsetPaginator({ limit: 10 });
    const r = req();
    p.init(r);
    expect(r.params).toEqual({ q: "x", offset: 0, limit: 10 });
    p.update(resp({ total: 25 }), rows(10));
    expect(p.hasNext).toBe(true);
    p.next(r);
    expect(r.params.offset).toBe(10);
    p.update(resp({ total: 25 }), rows(10));
    p.next(r);
    expect(r.params.offset).toBe(20);
    p.update(resp({ total: 25 }), rows(5));
    expect(p.hasNext).toBe(false);
    expect(p.stopReason).toMatch(/total 25/);
  });

  it("stops on offset >= total even when the page is full", () => {
    const p = new OffsetPaginator({ limit: 10 });
    p.update(resp({ total: 10 }), rows(10));
    expect(p.hasNext).toBe(false);
  });

  it("without a total: a short page ends it (no error)", () => {
    const p = new OffsetPaginator({ limit: 10 });
    p.update(resp({}), rows(10));
    expect(p.hasNext).toBe(true);
    p.update(resp({}), rows(3));
    expect(p.hasNext).toBe(false);
    expect(p.stopReason).toMatch(/short page/);
  });

  it("without a total: an empty page after an exact multiple ends it", () => {
    const p = new OffsetPaginator({ limit: 2, total_path: null });
    p.update(resp({ total: 100 }), rows(2));
    p.update(resp({ total: 100 }), rows(2));
    expect(p.hasNext).toBe(true);
    p.update(resp({}), []);
    expect(p.hasNext).toBe(false);
    expect(p.stopReason).toBe("empty page");
  });

  it("total_path null ignores the total; custom params and start offset", () => {
    const p = new OffsetPaginator({
      limit: 5,
      offset: 100,
      offset_param: "skip",
      limit_param: "take",
      total_path: null,
    });
    const r = req();
    p.init(r);
    expect(r.params).toMatchObject({ skip: 100, take: 5 });
    p.update(resp({ total: 1 }), rows(5));
    expect(p.hasNext).toBe(true);
  });

  it("has_more_path false stops; true overrides the short-page rule", () => {
    const p = new OffsetPaginator({ limit: 10, has_more_path: "meta.has_more", total_path: null });
    p.update(resp({ meta: { has_more: true } }), rows(4));
    expect(p.hasNext).toBe(true);
    p.update(resp({ meta: { has_more: false } }), rows(10));
    expect(p.hasNext).toBe(false);
  });

  it("maximum_offset stops before requesting it", () => {
    const p = new OffsetPaginator({ limit: 10, maximum_offset: 20 });
    p.update(resp({}), rows(10));
    expect(p.hasNext).toBe(true);
    p.update(resp({}), rows(10));
    expect(p.hasNext).toBe(false);
    expect(p.current).toBe(20);
  });

  it("stop_after_empty_page false keeps going on an empty page when the total says so", () => {
    const p = new OffsetPaginator({ limit: 10, stop_after_empty_page: false });
    p.update(resp({ total: 30 }), []);
    expect(p.hasNext).toBe(true);
  });

  it("writes offset/limit into a JSON body", () => {
    const p = new OffsetPaginator({
      limit: 50,
      offset_body_path: "page.offset",
      limit_body_path: "page.size",
    });
    const r = prepareRequest("https://h", { path: "/s", method: "POST", json: { filter: "a" } });
    p.init(r);
    expect(r.json).toEqual({ filter: "a", page: { offset: 0, size: 50 } });
    p.update(resp({}), rows(50));
    p.next(r);
    expect(r.json).toEqual({ filter: "a", page: { offset: 50, size: 50 } });
    expect(r.params.offset).toBeUndefined();
  });

  it("rejects a non-positive limit", () => {
    expect(() => new OffsetPaginator({ limit: 0 })).toThrow(/positive `limit`/);
  });
});

describe("page_number paginator", () => {
  it("defaults: base 0, param page, total is the number of pages", () => {
    const p = new PageNumberPaginator();
    const r = req();
    p.init(r);
    expect(r.params.page).toBe(0);
    p.update(resp({ total: 2 }), rows(3));
    p.next(r);
    expect(r.params.page).toBe(1);
    expect(p.hasNext).toBe(true);
    p.update(resp({ total: 2 }), rows(3));
    expect(p.hasNext).toBe(false);
  });

  it("start_from_page is base_page; limit is the page size", () => {
    const p = new PageNumberPaginator({ start_from_page: 1, limit: 2, page_param: "p" });
    const r = req();
    p.init(r);
    expect(r.params.p).toBe(1);
    p.update(resp({}), rows(2));
    p.next(r);
    expect(r.params.p).toBe(2);
    p.update(resp({}), rows(1));
    expect(p.hasNext).toBe(false);
    expect(p.stopReason).toMatch(/short page/);
  });

  it("total pages with base 1 requests pages 1..total", () => {
    const p = new PageNumberPaginator({ base_page: 1, total_path: "meta.pages" });
    const seen: number[] = [];
    const r = req();
    p.init(r);
    while (p.hasNext) {
      seen.push(r.params.page as number);
      p.update(resp({ meta: { pages: 3 } }), rows(1));
      if (p.hasNext) p.next(r);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it("maximum_page is exclusive (dlt): base_page 1, maximum_page 3 requests pages 1 and 2", () => {
    const p = new PageNumberPaginator({ base_page: 1, maximum_page: 3, total_path: null });
    p.update(resp({}), rows(5));
    expect(p.hasNext).toBe(true);
    p.update(resp({}), rows(5));
    expect(p.hasNext).toBe(false);
  });

  it("empty page stops; has_more false stops; missing total is fine", () => {
    const a = new PageNumberPaginator({ base_page: 1 });
    a.update(resp({}), rows(5));
    expect(a.hasNext).toBe(true);
    a.update(resp({}), []);
    expect(a.hasNext).toBe(false);
    const b = new PageNumberPaginator({ has_more_path: "more" });
    b.update(resp({ more: false }), rows(5));
    expect(b.hasNext).toBe(false);
  });

  it("page_body_path writes the page into the body", () => {
    const p = new PageNumberPaginator({ page_body_path: "paging.page", base_page: 1 });
    const r = prepareRequest("https://h", { path: "/s", method: "POST" });
    p.init(r);
    expect(r.json).toEqual({ paging: { page: 1 } });
  });
});

describe("cursor paginator", () => {
  it("reads cursors.next, sends cursor=, stops when absent", () => {
    const p = new CursorPaginator();
    const r = req();
    p.update(resp({ cursors: { next: "abc" } }), rows(1));
    p.next(r);
    expect(r.params.cursor).toBe("abc");
    p.update(resp({ cursors: { next: null } }), rows(1));
    expect(p.hasNext).toBe(false);
  });

  it("custom path/param and body path", () => {
    const p = new CursorPaginator({ cursor_path: "meta.next_cursor", cursor_body_path: "after" });
    const r = prepareRequest("https://h", { path: "/s", method: "POST", json: {} });
    p.update(resp({ meta: { next_cursor: 17 } }), rows(1));
    p.next(r);
    expect(r.json).toEqual({ after: 17 });
  });

  it("a repeated cursor ends with a warning", () => {
    const p = new CursorPaginator({ cursor_path: "next" });
    p.update(resp({ next: "same" }), rows(1));
    expect(p.hasNext).toBe(true);
    p.update(resp({ next: "same" }), rows(1));
    expect(p.hasNext).toBe(false);
    expect(p.warning).toMatch(/same cursor twice/);
  });
});

describe("json_link paginator", () => {
  it("follows relative and absolute next links as given: the request's own params are not added back", () => {
    const p = new JsonLinkPaginator({ next_url_path: "links.next" });
    const r = req();
    p.update(resp({ links: { next: "/v1/items?page=2" } }), rows(1));
    p.next(r);
    expect(r.url).toBe("https://api.test/v1/items");
    expect(r.params).toEqual({ page: "2" });
    p.update(
      resp({ links: { next: "https://other.test/x?page=3&q=y" } }, {}, "https://api.test/v1/items?page=2"),
      rows(1),
    );
    p.next(r);
    expect(r.url).toBe("https://other.test/x");
    expect(r.params).toEqual({ q: "y", page: "3" });
    p.update(resp({ links: { next: null } }), rows(1));
    expect(p.hasNext).toBe(false);
  });

  it("default path next; HAL {href}; repeated link warns", () => {
    const p = new JsonLinkPaginator();
    p.update(resp({ next: "https://api.test/a?p=2" }), rows(1));
    expect(p.nextUrl).toBe("https://api.test/a?p=2");
    p.update(resp({ next: "https://api.test/a?p=2" }, {}, "https://api.test/a?p=2"), rows(1));
    expect(p.hasNext).toBe(false);
    expect(p.warning).toMatch(/same next link/);
    const h = new JsonLinkPaginator({ next_url_path: "_links.next" });
    h.update(resp({ _links: { next: { href: "/b?x=1" } } }), rows(1));
    expect(h.nextUrl).toBe("https://api.test/b?x=1");
  });
});

describe("header_link and header_cursor paginators", () => {
  it("parses RFC 8288 Link headers", () => {
    expect(
      parseLinkHeader(
        '<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last", <https://a/x?p=1>; rel=prev',
      ),
    ).toEqual({ next: "https://a/x?page=2", last: "https://a/x?page=9", prev: "https://a/x?p=1" });
    expect(parseLinkHeader('<https://a/2>; title="a, b"; rel="next prefetch"').next).toBe("https://a/2");
  });

  it("follows rel=next and stops without it", () => {
    const p = new HeaderLinkPaginator();
    const r = req();
    p.update(resp([], { link: '<https://api.test/v1/items?page=2>; rel="next"' }), rows(1));
    p.next(r);
    expect(r.params.page).toBe("2");
    p.update(resp([], {}), rows(1));
    expect(p.hasNext).toBe(false);
    const custom = new HeaderLinkPaginator({ links_next_key: "forward" });
    custom.update(resp([], { link: '</n>; rel="forward"' }), rows(1));
    expect(custom.nextUrl).toBe("https://api.test/n");
  });

  it("header_cursor reads the cursor header and repeats guard", () => {
    const p = new HeaderCursorPaginator({ cursor_key: "X-Next", cursor_param: "after" });
    const r = req();
    p.update(resp([], { "x-next": "c1" }), rows(1));
    p.next(r);
    expect(r.params.after).toBe("c1");
    p.update(resp([], { "x-next": "c1" }), rows(1));
    expect(p.hasNext).toBe(false);
    expect(p.warning).toBeDefined();
    const d = new HeaderCursorPaginator();
    d.update(resp([], {}), rows(1));
    expect(d.hasNext).toBe(false);
  });
});

describe("auto-detection", () => {
  const cases: Array<[string, HttpResponse, string, string?]> = [
    ["Link header", resp([], { link: '<https://api.test/2>; rel="next"' }), "header_link"],
    ["next URL", resp({ next: "https://api.test/2", results: [] }), "json_link", "next"],
    ["links.next", resp({ data: [], links: { next: "/v1/items?page=2" } }), "json_link", "links.next"],
    [
      "_links.next.href",
      resp({ items: [], _links: { next: { href: "/x?p=2" } } }),
      "json_link",
      "_links.next",
    ],
    [
      "pagination.next_url",
      resp({ pagination: { next_url: "https://a/2" } }),
      "json_link",
      "pagination.next_url",
    ],
    ["total_pages", resp({ data: [], total_pages: 4 }), "page_number"],
    ["meta.pages", resp({ data: [], meta: { pages: 4 } }), "page_number"],
    ["next_cursor", resp({ data: [], next_cursor: "abc" }), "cursor", "next_cursor"],
    ["cursors.next", resp({ data: [], cursors: { next: "abc" } }), "cursor", "cursors.next"],
    ["next_page_token", resp({ items: [], next_page_token: "t" }), "cursor", "next_page_token"],
    ["plain list", resp([{ a: 1 }]), "single_page"],
    ["plain object", resp({ id: 1 }), "single_page"],
  ];
  for (const [name, response, type, path] of cases) {
    it(`${name} → ${type}`, () => {
      const { paginator, reason } = detectPaginator(response);
      expect(paginator.type).toBe(type);
      if (path) expect(reason).toContain(path);
    });
  }

  it("next_page_token is sent back as page_token", () => {
    const p = createPaginator(undefined);
    const r = req();
    p.update(resp({ items: [], next_page_token: "t1" }), rows(1));
    p.next(r);
    expect(r.params.page_token).toBe("t1");
  });

  it("detected page_number continues from page 2", () => {
    const p = createPaginator(undefined);
    const r = req();
    p.update(resp({ data: [], total_pages: 2 }), rows(1));
    p.next(r);
    expect(r.params.page).toBe(2);
    p.update(resp({ data: [], total_pages: 2 }), rows(1));
    expect(p.hasNext).toBe(false);
  });

  it("plans the remaining pages of the paginator it detected, once the total is known", () => {
    const p = createPaginator(undefined);
    expect(p.planRemaining?.(10)).toBeUndefined();
    p.update(resp({ data: [], total_pages: 4 }), rows(1));
    const plan = p.planRemaining?.(2);
    expect(plan?.total).toBe(4);
    const r = req();
    const first = plan!.values.next();
    plan!.write(r, first.value as number);
    expect([first.value, plan!.values.next().value, plan!.values.next().done]).toEqual([2, 3, true]);
    expect(r.params.page).toBe(2);
    expect(p.hasNext).toBe(false);
  });
});

describe("planned pages", () => {
  it("offset: the remaining offsets up to the total, none before a total is known", () => {
    const p = new OffsetPaginator({ limit: 10 });
    expect(p.planRemaining(5)).toBeUndefined();
    p.update(resp({ total: 35 }), rows(10));
    const plan = p.planRemaining(Number.POSITIVE_INFINITY)!;
    expect([...{ [Symbol.iterator]: () => plan.values }]).toEqual([10, 20, 30]);
    expect(plan.stopsOnEmptyPage).toBe(true);
  });

  it("a paginator that cannot know the rest plans nothing", () => {
    const p: Paginator = new CursorPaginator();
    p.update(resp({ cursors: { next: "c2" } }), rows(1));
    expect(p.planRemaining).toBeUndefined();
  });
});
