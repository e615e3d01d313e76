import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { RestClient } from "../../src/http/client.js";
import { MAX_CONSECUTIVE_EMPTY_PAGES, pageFingerprint } from "../../src/http/paginators/page-guard.js";
import type { Page, PaginateOptions, RequestSpec } from "../../src/http/types.js";
import { type RecordedRequest, sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

/**
 * Paging always ends, on every paginator: the shapes that made real runs loop (an API ignoring offset or
 * page, next links or cursors cycling a → b → a, endless empty pages), and the shapes that must not be
 * cut short (distinct pages that look alike). Every test is bounded by `maximum_pages` far above what
 * it expects, so a regression fails instead of hanging.
 */

let server: TestServer;
let client: RestClient;
const logger = memoryLogger();
const CAP = 500;

const rows = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i + 1, name: `r${from + i + 1}` }));

beforeAll(async () => {
  server = await startHttpServer();
  client = new RestClient({ base_url: server.url, logger });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

function serve(handler: (req: RecordedRequest, res: ServerResponse) => void): void {
  server.requests.length = 0;
  logger.entries.length = 0;
  server.handle(handler);
}

async function collect(spec: RequestSpec, opts: PaginateOptions): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of client.paginate(spec, { resource: "things", ...opts })) pages.push(page);
  return pages;
}

const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.id));
const warnings = () => logger.entries.filter((e) => e.level === "warn");

function expectStopWarning(page: number, reason: RegExp): void {
  const w = warnings();
  expect(w).toHaveLength(1);
  expect(w[0]!.msg).toMatch(new RegExp(`^resource "things": pagination stopped at page ${page}: `));
  expect(w[0]!.msg).toMatch(reason);
  expect(w[0]!.fields.resource).toBe("things");
}

describe("an API that ignores the paging parameter", () => {
  it("offset: the same full page every time stops after page 2, its rows yielded once", async () => {
    serve((_req, res) => sendJson(res, { data: rows(10), total: 100_000 }));
    const pages = await collect(
      { path: "/o" },
      { paginator: { type: "offset", limit: 10, maximum_pages: CAP }, data_selector: "data" },
    );
    expect(ids(pages)).toEqual(rows(10).map((r) => r.id));
    expect(server.requests).toHaveLength(2);
    expectStopWarning(2, /same as the previous page's/);
  });

  it("offset with page_concurrency and a huge total: stops at the first repeated page", async () => {
    serve((_req, res) => sendJson(res, { data: rows(10), total: 100_000 }));
    const pages = await collect(
      { path: "/op" },
      {
        paginator: { type: "offset", limit: 10, maximum_pages: CAP },
        data_selector: "data",
        page_concurrency: 4,
      },
    );
    expect(ids(pages)).toEqual(rows(10).map((r) => r.id));
    // Page 2 and the three fetched alongside it, at most.
    expect(server.requests.length).toBeLessThanOrEqual(6);
    expectStopWarning(2, /same as the previous page's/);
  });

  it("page_concurrency and a total of 10^15 without maximum_pages: pages are planned lazily, it stops", async () => {
    serve((_req, res) => sendJson(res, { data: rows(10), total: 1e15 }));
    const pages = await collect(
      { path: "/huge" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data", page_concurrency: 4 },
    );
    expect(ids(pages)).toEqual(rows(10).map((r) => r.id));
    expectStopWarning(2, /same as the previous page's/);
  });

  it("page_number: the same page whatever `page` stops after page 2", async () => {
    serve((_req, res) => sendJson(res, { items: rows(5), total_pages: 1000 }));
    const pages = await collect(
      { path: "/p" },
      {
        paginator: { type: "page_number", base_page: 1, total_path: "total_pages", maximum_pages: CAP },
        data_selector: "items",
      },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5]);
    // (Requests the page-parallel run above abandoned may still land after the reset.)
    expect(server.requests.filter((r) => r.path.startsWith("/p?"))).toHaveLength(2);
    expectStopWarning(2, /same as the previous page's/);
  });

  it("an API that wraps around to its first page stops there, naming the page it repeats", async () => {
    serve((req, res) => {
      const page = Number(req.query.get("page"));
      sendJson(res, { items: rows(3, ((page - 1) % 4) * 3) });
    });
    const pages = await collect(
      { path: "/wrap" },
      { paginator: { type: "page_number", base_page: 1, maximum_pages: CAP }, data_selector: "items" },
    );
    expect(ids(pages)).toEqual(rows(12).map((r) => r.id));
    expect(server.requests).toHaveLength(5);
    expectStopWarning(5, /same as page 1's/);
  });

  it("auto-detected pagination (total_pages) ignoring `page` stops too", async () => {
    serve((_req, res) => sendJson(res, { data: rows(4), total_pages: 1000 }));
    const pages = await collect({ path: "/auto" }, { paginator: { type: "auto", maximum_pages: CAP } });
    expect(ids(pages)).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(2);
    expectStopWarning(2, /same as the previous page's/);
  });
});

describe("next links and cursors that cycle", () => {
  const page = (name: string) => ({ a: rows(2), b: rows(2, 2), c: rows(2, 4) })[name] ?? [];

  it("json_link a → b → a stops at b", async () => {
    serve((req, res) => {
      const at = req.query.get("at") ?? "a";
      sendJson(res, { data: page(at), next: `/l?at=${at === "a" ? "b" : "a"}` });
    });
    const pages = await collect(
      { path: "/l", params: { at: "a" } },
      { paginator: { type: "json_link", maximum_pages: CAP }, data_selector: "data" },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4]);
    expect(server.requests).toHaveLength(2);
    expectStopWarning(2, /leads back to a page already fetched/);
  });

  it("header_link a → b → c → b stops at c", async () => {
    serve((req, res) => {
      const at = req.query.get("at") ?? "a";
      const next = { a: "b", b: "c", c: "b" }[at] ?? "a";
      sendJson(res, page(at), 200, { link: `<${server.url}/h?at=${next}>; rel="next"` });
    });
    const pages = await collect({ path: "/h" }, { paginator: { type: "header_link", maximum_pages: CAP } });
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.requests).toHaveLength(3);
    expectStopWarning(3, /leads back to a page already fetched/);
  });

  it("auto-detected json_link cycling stops", async () => {
    serve((req, res) => {
      const at = req.query.get("at") ?? "a";
      sendJson(res, { results: page(at), next: `${server.url}/al?at=${at === "a" ? "b" : "a"}` });
    });
    const pages = await collect(
      { path: "/al", params: { at: "a" } },
      { paginator: { type: "auto", maximum_pages: CAP } },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4]);
    expectStopWarning(2, /leads back/);
  });

  it("cursor c1 → c2 → c1 stops after c2", async () => {
    serve((req, res) => {
      const c = req.query.get("cursor");
      const at = c === null ? "a" : c === "c1" ? "b" : "c";
      sendJson(res, { data: page(at), next_cursor: c === "c1" ? "c2" : "c1" });
    });
    const pages = await collect(
      { path: "/c" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP },
        data_selector: "data",
      },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(server.requests).toHaveLength(3);
    expectStopWarning(3, /repeats one returned earlier/);
  });

  it("header_cursor x → y → x stops after y", async () => {
    serve((req, res) => {
      const c = req.query.get("cursor");
      sendJson(res, page(c === null ? "a" : c === "x" ? "b" : "c"), 200, { next: c === "x" ? "y" : "x" });
    });
    const pages = await collect(
      { path: "/hc" },
      { paginator: { type: "header_cursor", maximum_pages: CAP } },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5, 6]);
    expectStopWarning(3, /repeats a cursor returned earlier/);
  });

  it("a long cursor cycle (kilobyte cursors, kept as digests) stops where it closes", async () => {
    const cursor = (n: number) => `${n % 7}`.padEnd(2000, "=");
    serve((req, res) => {
      const n = Number((req.query.get("cursor") ?? "0=").split("=")[0]) + 1;
      sendJson(res, { data: [{ id: server.requests.length }], next_cursor: cursor(n) });
    });
    const pages = await collect(
      { path: "/lc" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP },
        data_selector: "data",
      },
    );
    // Pages 1–7 return cursors 1…6, 0; page 8 returns cursor 1 again.
    expect(pages).toHaveLength(8);
    expectStopWarning(8, /repeats one returned earlier/);
  });
});

describe("empty pages", () => {
  it(`a cursor API returning empty pages with fresh cursors stops after ${MAX_CONSECUTIVE_EMPTY_PAGES} in a row`, async () => {
    serve((req, res) => {
      const n = Number(req.query.get("cursor") ?? 0);
      sendJson(res, { data: n < 2 ? rows(1, n) : [], next_cursor: String(n + 1) });
    });
    const pages = await collect(
      { path: "/e" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP },
        data_selector: "data",
      },
    );
    expect(ids(pages)).toEqual([1, 2]);
    expect(server.requests).toHaveLength(2 + MAX_CONSECUTIVE_EMPTY_PAGES);
    expectStopWarning(2 + MAX_CONSECUTIVE_EMPTY_PAGES, /empty pages in a row/);
  });

  it("empty pages between full ones (a scan) are not a loop: every record arrives", async () => {
    serve((req, res) => {
      const n = Number(req.query.get("cursor") ?? 0);
      // Records on every fourth page only; the rest are empty with a next cursor.
      sendJson(res, { data: n % 4 === 0 ? rows(2, n) : [], next_cursor: n < 40 ? String(n + 1) : null });
    });
    const pages = await collect(
      { path: "/scan" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP },
        data_selector: "data",
      },
    );
    expect(server.requests).toHaveLength(41);
    expect(ids(pages)).toHaveLength(22);
    expect(warnings()).toEqual([]);
  });
});

describe("real APIs page on to the end", () => {
  it("50 pages of the same shape (same first field, different values) all load, on every paginator", async () => {
    const pageOf = (n: number) =>
      Array.from({ length: 3 }, (_, i) => ({ kind: "metric", value: n * 3 + i, at: "2024-01-01" }));
    const expected = Array.from({ length: 150 }, (_, i) => i);
    const values = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.value));

    serve((req, res) => {
      const offset = Number(req.query.get("offset"));
      sendJson(res, { data: offset < 150 ? pageOf(offset / 3) : [] });
    });
    let pages = await collect(
      { path: "/o" },
      {
        paginator: { type: "offset", limit: 3, total_path: null, maximum_pages: CAP },
        data_selector: "data",
      },
    );
    expect(values(pages)).toEqual(expected);

    serve((req, res) => {
      const p = Number(req.query.get("page"));
      sendJson(res, { data: pageOf(p - 1), total_pages: 50 });
    });
    pages = await collect(
      { path: "/p" },
      {
        paginator: { type: "page_number", base_page: 1, total_path: "total_pages", maximum_pages: CAP },
        data_selector: "data",
        page_concurrency: 4,
      },
    );
    expect(values(pages)).toEqual(expected);

    serve((req, res) => {
      const n = Number(req.query.get("cursor") ?? 0);
      sendJson(res, { data: pageOf(n), next_cursor: n < 49 ? String(n + 1) : null });
    });
    pages = await collect(
      { path: "/c" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP },
        data_selector: "data",
      },
    );
    expect(values(pages)).toEqual(expected);

    serve((req, res) => {
      const n = Number(req.query.get("n") ?? 0);
      const headers: Record<string, string> = n < 49 ? { link: `</h?n=${n + 1}>; rel="next"` } : {};
      sendJson(res, pageOf(n), 200, headers);
    });
    pages = await collect({ path: "/h" }, {});
    expect(values(pages)).toEqual(expected);
    expect(warnings()).toEqual([]);
  });

  it("maximum_pages still caps a run", async () => {
    serve((req, res) => sendJson(res, { data: rows(2, Number(req.query.get("offset"))) }));
    const pages = await collect(
      { path: "/m" },
      { paginator: { type: "offset", limit: 2, total_path: null, maximum_pages: 3 }, data_selector: "data" },
    );
    expect(pages).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
  });
});

describe("pageFingerprint", () => {
  it("equal records give equal fingerprints; any record's first field or a sampled record changes it", () => {
    const page = rows(100);
    expect(pageFingerprint(page)).toBe(pageFingerprint(structuredClone(page)));
    const otherId = structuredClone(page);
    otherId[37]!.id = 9999;
    expect(pageFingerprint(otherId)).not.toBe(pageFingerprint(page));
    const otherSampled = structuredClone(page);
    otherSampled[99]!.name = "changed";
    expect(pageFingerprint(otherSampled)).not.toBe(pageFingerprint(page));
    expect(pageFingerprint(rows(99))).not.toBe(pageFingerprint(page));
    expect(pageFingerprint([{ id: 10n ** 20n }])).not.toBe(pageFingerprint([{ id: 10n ** 20n + 1n }]));
    expect(pageFingerprint(["a", "b"])).not.toBe(pageFingerprint(["a", "c"]));
  });
});
