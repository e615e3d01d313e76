import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { RestClient } from "../../src/http/client.js";
import type { Page, PaginateOptions, RequestSpec } from "../../src/http/types.js";
import { type RecordedRequest, sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

const records = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({ id: from + i + 1, name: `r${from + i + 1}` }));

let server: TestServer;
let client: RestClient;
const logger = memoryLogger();

async function collect(spec: RequestSpec, opts: PaginateOptions, c: RestClient = client): Promise<Page[]> {
  const pages: Page[] = [];
  for await (const page of c.paginate(spec, opts)) pages.push(page);
  return pages;
}
const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.id));
const paths = () => server.requests.map((r) => r.path);

function offsetHandler(all: unknown[], withTotal: boolean) {
  return (req: RecordedRequest, res: import("node:http").ServerResponse) => {
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 10);
    sendJson(res, { data: all.slice(offset, offset + limit), ...(withTotal ? { total: all.length } : {}) });
  };
}

beforeAll(async () => {
  server = await startHttpServer();
  client = new RestClient({ base_url: server.url, logger });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

function reset(handler: Parameters<TestServer["handle"]>[0]) {
  server.requests.length = 0;
  logger.entries.length = 0;
  server.handle(handler);
}

describe("offset", () => {
  it("normal run stops when offset reaches total", async () => {
    reset(offsetHandler(records(25), true));
    const pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data" },
    );
    expect(ids(pages)).toEqual(records(25).map((r) => r.id));
    expect(paths()).toEqual([
      "/items?offset=0&limit=10",
      "/items?offset=10&limit=10",
      "/items?offset=20&limit=10",
    ]);
  });

  it("total is a multiple of the limit: no extra request", async () => {
    reset(offsetHandler(records(20), true));
    const pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data" },
    );
    expect(pages).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it("without a total ends on a short page", async () => {
    reset(offsetHandler(records(25), false));
    const pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data" },
    );
    expect(ids(pages)).toHaveLength(25);
    expect(server.requests).toHaveLength(3);
  });

  it("without a total ends on an empty page after an exact multiple", async () => {
    reset(offsetHandler(records(20), false));
    const pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data" },
    );
    expect(ids(pages)).toHaveLength(20);
    expect(paths()).toEqual([
      "/items?offset=0&limit=10",
      "/items?offset=10&limit=10",
      "/items?offset=20&limit=10",
    ]);
    expect(pages[2]!.records).toEqual([]);
  });

  it("maximum_offset, maximum_pages and has_more_path stop it", async () => {
    reset(offsetHandler(records(100), true));
    let pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10, maximum_offset: 30 }, data_selector: "data" },
    );
    expect(pages).toHaveLength(3);
    reset(offsetHandler(records(100), true));
    pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10, maximum_pages: 2 }, data_selector: "data" },
    );
    expect(pages).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    reset((req, res) => {
      const offset = Number(req.query.get("offset"));
      sendJson(res, { data: records(10, offset), has_more: offset < 10 });
    });
    pages = await collect(
      { path: "/items" },
      { paginator: { type: "offset", limit: 10, has_more_path: "has_more" }, data_selector: "data" },
    );
    expect(pages).toHaveLength(2);
  });

  it("POST with offset and limit in the JSON body", async () => {
    const all = records(15);
    reset((req, res) => {
      const body = JSON.parse(req.body) as { q: string; page: { from: number; size: number } };
      expect(body.q).toBe("x");
      sendJson(res, { data: all.slice(body.page.from, body.page.from + body.page.size), total: all.length });
    });
    const pages = await collect(
      { path: "/search", method: "POST", json: { q: "x" } },
      {
        paginator: { type: "offset", limit: 10, offset_body_path: "page.from", limit_body_path: "page.size" },
        data_selector: "data",
      },
    );
    expect(ids(pages)).toHaveLength(15);
    expect(server.requests.every((r) => r.method === "POST" && r.path === "/search")).toBe(true);
  });
});

describe("page_number", () => {
  it("seed 002 shape: base path kept, per_page from defaults, pages from 1, limit 2, items.*.data", async () => {
    const all = records(5);
    reset((req, res) => {
      const page = Number(req.query.get("page"));
      const per = Number(req.query.get("per_page"));
      const slice = all.slice((page - 1) * per, page * per);
      sendJson(res, { items: slice.map((data) => ({ data })) });
    });
    const c = new RestClient({
      base_url: `${server.url}/v2`,
      auth: { type: "bearer", token: "seed-002-token" },
    });
    const pages = await collect(
      { path: "/v1/resource", params: { per_page: 2 } },
      {
        paginator: { type: "page_number", limit: 2, page_param: "page", start_from_page: 1 },
        data_selector: "items.*.data",
      },
      c,
    );
    await c.close();
    expect(pages.flatMap((p) => p.records)).toEqual(all);
    expect(paths()).toEqual([
      "/v2/v1/resource?per_page=2&page=1",
      "/v2/v1/resource?per_page=2&page=2",
      "/v2/v1/resource?per_page=2&page=3",
    ]);
    expect(server.requests[0]!.headers.authorization).toBe("Bearer seed-002-token");
  });

  it("total pages ends it; maximum_page caps it (exclusive, as dlt); empty page ends it", async () => {
    reset((req, res) => sendJson(res, { results: records(3, 3 * Number(req.query.get("page"))), total: 4 }));
    let pages = await collect({ path: "/p" }, { paginator: { type: "page_number", base_page: 1 } });
    expect(pages).toHaveLength(4);
    reset((req, res) => sendJson(res, { results: records(3, 3 * Number(req.query.get("page"))) }));
    pages = await collect(
      { path: "/p" },
      { paginator: { type: "page_number", base_page: 1, maximum_page: 3 } },
    );
    // dlt stops once the next page would be >= maximum_page: pages 1 and 2, never 3.
    expect(paths()).toEqual(["/p?page=1", "/p?page=2"]);
    reset((req, res) => {
      const page = Number(req.query.get("page"));
      sendJson(res, { results: page < 2 ? records(3, 3 * page) : [] });
    });
    pages = await collect({ path: "/p" }, { paginator: { type: "page_number" } });
    expect(paths()).toEqual(["/p?page=0", "/p?page=1", "/p?page=2"]);
  });
});

describe("cursor, links and single page", () => {
  it("cursor: follows cursors.next until absent", async () => {
    reset((req, res) => {
      const c = Number(req.query.get("cursor") ?? 0);
      sendJson(res, { data: [{ id: c }], cursors: { next: c < 2 ? String(c + 1) : null } });
    });
    const pages = await collect({ path: "/c" }, { paginator: { type: "cursor" }, data_selector: "data" });
    expect(ids(pages)).toEqual([0, 1, 2]);
    expect(paths()).toEqual(["/c", "/c?cursor=1", "/c?cursor=2"]);
  });

  it('cursor: any falsy next cursor (0, "", false, null, []) ends it, as dlt', async () => {
    for (const next of [0, "", false, null, []]) {
      reset((_req, res) => sendJson(res, { data: [{ id: 1 }], cursors: { next } }));
      const pages = await collect({ path: "/c" }, { paginator: { type: "cursor" }, data_selector: "data" });
      expect(ids(pages)).toEqual([1]);
      expect(paths(), JSON.stringify(next)).toEqual(["/c"]);
    }
  });

  it("a repeated cursor ends pagination with a warning, no loop", async () => {
    reset((_req, res) => sendJson(res, { data: [{ id: server.requests.length }], next_cursor: "stuck" }));
    const pages = await collect(
      { path: "/c" },
      {
        paginator: { type: "cursor", cursor_path: "next_cursor" },
        data_selector: "data",
        resource: "things",
      },
    );
    expect(pages).toHaveLength(2);
    const warn = logger.entries.find((e) => e.level === "warn");
    expect(warn?.msg).toMatch(/same cursor twice/);
    expect(warn?.fields.resource).toBe("things");
  });

  it("json_link: relative then absolute next links", async () => {
    reset((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      const next = page === 1 ? "/j?page=2" : page === 2 ? `${server.url}/j?page=3` : null;
      sendJson(res, { results: [{ id: page }], pagination: { next } });
    });
    const pages = await collect(
      { path: "/j", params: { size: 1 } },
      { paginator: { type: "json_link", next_url_path: "pagination.next" } },
    );
    expect(ids(pages)).toEqual([1, 2, 3]);
    // As dlt: the link is the whole next request, `size` is not added back.
    expect(paths()).toEqual(["/j?size=1", "/j?page=2", "/j?page=3"]);
  });

  it("header_link: RFC 8288 rel=next", async () => {
    reset((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      const headers: Record<string, string> = {};
      if (page < 3)
        headers.link = `<${server.url}/h?page=${page + 1}>; rel="next", <${server.url}/h?page=3>; rel="last"`;
      sendJson(res, [{ id: page }], 200, headers);
    });
    const pages = await collect({ path: "/h" }, { paginator: { type: "header_link" } });
    expect(ids(pages)).toEqual([1, 2, 3]);
  });

  it("header_cursor: cursor from a header", async () => {
    reset((req, res) => {
      const c = Number(req.query.get("after") ?? 0);
      sendJson(res, [{ id: c }], 200, c < 2 ? { "x-next-cursor": String(c + 1) } : {});
    });
    const pages = await collect(
      { path: "/hc" },
      { paginator: { type: "header_cursor", cursor_key: "X-Next-Cursor", cursor_param: "after" } },
    );
    expect(ids(pages)).toEqual([0, 1, 2]);
  });

  it("single_page: one request", async () => {
    reset((_req, res) => sendJson(res, { data: records(3), next: `${server.url}/never` }));
    const pages = await collect(
      { path: "/s" },
      { paginator: { type: "single_page" }, data_selector: "data" },
    );
    expect(pages).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe("auto-detection", () => {
  it("detects json_link and the records, and logs both", async () => {
    reset((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      sendJson(res, {
        count: 2,
        next: page === 1 ? `${server.url}/a?page=2` : null,
        results: [{ id: page }],
      });
    });
    const pages = await collect({ path: "/a" }, {});
    expect(ids(pages)).toEqual([1, 2]);
    const msgs = logger.entries.map((e) => e.msg);
    expect(msgs).toContain("paginator detected: json_link");
    expect(msgs).toContain("data_selector detected: $.results");
  });

  it("detects page_number from total_pages, cursor, else single page", async () => {
    reset((req, res) =>
      sendJson(res, { data: [{ id: Number(req.query.get("page") ?? 1) }], total_pages: 3 }),
    );
    expect(ids(await collect({ path: "/tp" }, {}))).toEqual([1, 2, 3]);
    reset((req, res) =>
      sendJson(res, {
        items: [{ id: req.query.get("cursor") ?? "0" }],
        next_cursor: req.query.get("cursor") ? null : "c1",
      }),
    );
    expect(ids(await collect({ path: "/nc" }, {}))).toEqual(["0", "c1"]);
    reset((_req, res) => sendJson(res, { id: 42, name: "one" }));
    const pages = await collect({ path: "/one" }, {});
    expect(pages.map((p) => p.records)).toEqual([[{ id: 42, name: "one" }]]);
    expect(logger.entries.map((e) => e.msg)).toContain("paginator detected: single_page");
  });
});

describe("response_actions", () => {
  it("ignore on a 404 yields nothing and ends gracefully", async () => {
    reset((_req, res) => sendJson(res, { error: "nope" }, 404));
    const pages = await collect(
      { path: "/gone" },
      { response_actions: [{ status_code: 404, action: "ignore" }] },
    );
    expect(pages).toEqual([]);
  });

  it("ignore on body content, and a callback", async () => {
    reset((_req, res) => sendJson(res, { error: "Item not found", data: [] }, 200));
    expect(
      await collect(
        { path: "/x" },
        { response_actions: [{ content: "NOT FOUND", action: "ignore" }], data_selector: "data" },
      ),
    ).toHaveLength(1);
    expect(
      await collect(
        { path: "/x" },
        {
          response_actions: [
            { status_code: 404, content: "Item", action: "ignore" },
            { content: "Item not found", action: "ignore" },
          ],
        },
      ),
    ).toEqual([]);
    reset((_req, res) => sendJson(res, { data: [] }, 409));
    const pages = await collect(
      { path: "/x" },
      { response_actions: [(r) => (r.status === 409 ? "ignore" : undefined)] },
    );
    expect(pages).toEqual([]);
  });
});

describe("auto-detection of a Link header", () => {
  it("follows rel=next without any paginator configured", async () => {
    reset((req, res) => {
      const page = Number(req.query.get("page") ?? 1);
      sendJson(res, [{ id: page }], 200, page < 2 ? { link: `</auto-link?page=2>; rel="next"` } : {});
    });
    expect(ids(await collect({ path: "/auto-link" }, {}))).toEqual([1, 2]);
    expect(logger.entries.map((e) => e.msg)).toContain("paginator detected: header_link");
  });
});

describe("page-parallel pagination when the total is known", () => {
  it("offset: fetches the remaining pages concurrently, yields them in order", async () => {
    const all = records(95);
    let inFlight = 0;
    let peak = 0;
    reset((req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const offset = Number(req.query.get("offset"));
      // Later pages answer sooner: order must still hold.
      setTimeout(
        () => {
          inFlight--;
          sendJson(res, { data: all.slice(offset, offset + 10), total: all.length });
        },
        offset === 0 ? 1 : 60 - offset / 2,
      );
    });
    const pages = await collect(
      { path: "/par" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data", page_concurrency: 4 },
    );
    expect(ids(pages)).toEqual(all.map((r) => r.id));
    expect(pages.map((p) => p.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server.requests).toHaveLength(10);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
  });

  it("page_number with total pages, capped by maximum_pages", async () => {
    reset((req, res) => sendJson(res, { data: [{ id: Number(req.query.get("page")) }], total: 20 }));
    const pages = await collect(
      { path: "/pp" },
      {
        paginator: { type: "page_number", base_page: 1, maximum_pages: 5 },
        data_selector: "data",
        page_concurrency: 3,
      },
    );
    expect(ids(pages)).toEqual([1, 2, 3, 4, 5]);
    expect(server.requests).toHaveLength(5);
  });

  it("an empty page before the total ends it; no total means sequential", async () => {
    reset((req, res) => {
      const offset = Number(req.query.get("offset"));
      sendJson(res, { data: offset < 20 ? records(10, offset) : [], total: 1000 });
    });
    const pages = await collect(
      { path: "/gap" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data", page_concurrency: 2 },
    );
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 0]);
    reset(offsetHandler(records(25), false));
    const seq = await collect(
      { path: "/seq" },
      { paginator: { type: "offset", limit: 10 }, data_selector: "data", page_concurrency: 4 },
    );
    expect(ids(seq)).toHaveLength(25);
    // (A request abandoned by the run above may still land after the reset.)
    expect(server.requests.filter((r) => r.path.startsWith("/seq"))).toHaveLength(3);
  });
});
