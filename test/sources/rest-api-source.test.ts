import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import type { DataRecord, JsonObject } from "../../src/core/json.js";
import type { Resource } from "../../src/core/resource.js";
import type { RestApiConfigInput as RestApiConfig } from "../../src/sources/rest_api/config-types.js";
import { restApiSource } from "../../src/sources/rest_api/source.js";
import {
  readAll,
  type SeenRequest,
  type SourceServer,
  sourceContext,
  startSourceServer,
} from "../support/source-server.js";

const posts = [1, 2, 3, 4, 5].map((id) => ({ id, title: `post ${id}`, meta: { author: `a${id}` } }));
let events: Array<{ id: number; updated_at: string; kind: string }> = [];
const orders: Record<string, Array<{ id: string; n: number }>> = {
  u1: [
    { id: "u1-a", n: 1 },
    { id: "u1-b", n: 2 },
  ],
  u2: [{ id: "u2-a", n: 10 }],
};

function route(req: SeenRequest) {
  const q = req.query;
  const comments = req.path.match(/^\/posts\/(\d+)\/comments$/);
  const replies = req.path.match(/^\/comments\/([^/]+)\/replies$/);
  const userOrders = req.path.match(/^\/users\/(\w+)\/orders$/);
  if (req.path === "/posts") {
    const offset = Number(q.get("offset") ?? 0);
    const limit = Number(q.get("limit") ?? 100);
    return { body: { data: posts.slice(offset, offset + limit) } };
  }
  if (comments) {
    const m = comments;
    if (m[1] === "3") return { status: 404, body: { error: "no comments here" } };
    return { body: [1, 2].map((n) => ({ id: `${m[1]}-${n}`, post_id: Number(m[1]), text: "hi" })) };
  }
  if (replies)
    return { body: { data: [{ id: `${decodeURIComponent(replies[1] ?? "")}-r`, post: q.get("post") }] } };
  if (req.path === "/events") {
    const since = q.get("since") ?? "";
    return { body: { items: events.filter((e) => e.updated_at >= since) } };
  }
  if (userOrders) {
    const after = Number(q.get("after") ?? 0);
    return { body: (orders[userOrders[1] ?? ""] ?? []).filter((o) => o.n >= after) };
  }
  if (req.path === "/search") return { body: { data: [{ id: 1, echo: req.body }] } };
  if (req.path === "/things")
    return { body: { data: [{ id: 1, keep: "x", updated_at: "t", followers: 9, n: 1 }] } };
  return { status: 404, body: { error: "unknown" } };
}

let server: SourceServer;
beforeAll(async () => {
  server = await startSourceServer(route);
});
afterAll(async () => {
  await server.close();
});

function byName(resources: readonly Resource[], name: string): Resource {
  const r = resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
}

function requestsTo(prefix: string): SeenRequest[] {
  return server.requests.filter((r) => r.path.startsWith(prefix));
}

describe("restApiSource against a loopback API", () => {
  it("reads parent → child → grandchild, with include_from_parent and ignored 404s", async () => {
    const config: RestApiConfig = {
      client: { base_url: server.url },
      resource_defaults: { primary_key: "id", write_disposition: "merge" },
      resources: [
        {
          name: "posts",
          endpoint: { path: "/posts", data_selector: "data", paginator: { type: "offset", limit: 2 } },
        },
        {
          name: "comments",
          include_from_parent: ["id", "title"],
          endpoint: {
            path: "/posts/{resources.posts.id}/comments",
            paginator: "single_page",
            response_actions: [{ status_code: 404, action: "ignore" }],
          },
        },
        {
          name: "replies",
          include_from_parent: ["id"],
          endpoint: {
            path: "/comments/{resources.comments.id}/replies",
            params: { post: "{resources.comments._posts_title}" },
            data_selector: "data",
            paginator: "single_page",
          },
        },
      ],
    };
    const source = restApiSource(config, { name: "blog" });
    try {
      expect(source.name).toBe("blog");
      expect(source.resources.map((r) => [r.name, r.parent])).toEqual([
        ["posts", undefined],
        ["comments", "posts"],
        ["replies", "comments"],
      ]);
      const postCtx = sourceContext();
      const postRecords = await readAll(byName(source.resources, "posts"), postCtx);
      expect(postRecords.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
      expect(postCtx.metrics.pages).toBe(3);
      expect(postCtx.metrics.records).toBe(5);

      const commentCtx = sourceContext();
      const comments: DataRecord[] = [];
      for (const p of postRecords)
        comments.push(...(await readAll(byName(source.resources, "comments"), commentCtx, p)));
      // post 3 answers 404, which the response action ignores
      expect(comments.map((c) => c.id)).toEqual(["1-1", "1-2", "2-1", "2-2", "4-1", "4-2", "5-1", "5-2"]);
      expect(comments[0]).toEqual({
        id: "1-1",
        post_id: 1,
        text: "hi",
        _posts_id: 1,
        _posts_title: "post 1",
      });

      const replyCtx = sourceContext();
      const replies: DataRecord[] = [];
      for (const c of comments.slice(0, 2))
        replies.push(...(await readAll(byName(source.resources, "replies"), replyCtx, c)));
      expect(replies).toEqual([
        { id: "1-1-r", post: "post 1", _comments_id: "1-1" },
        { id: "1-2-r", post: "post 1", _comments_id: "1-2" },
      ]);
      expect(byName(source.resources, "replies").hints).toEqual({
        primary_key: "id",
        write_disposition: "merge",
      });
    } finally {
      await source.close();
    }
  });

  it("loads incrementally across two runs: cursor sent as a param, no duplicates at the boundary", async () => {
    events = [
      { id: 1, updated_at: "2024-01-01T00:00:00Z", kind: "a" },
      { id: 2, updated_at: "2024-01-02T00:00:00Z", kind: "b" },
      { id: 3, updated_at: "2024-01-03T00:00:00Z", kind: "c" },
    ];
    const config: RestApiConfig = {
      client: { base_url: server.url },
      resources: [
        {
          name: "events",
          primary_key: "id",
          endpoint: {
            path: "/events",
            data_selector: "items",
            paginator: "single_page",
            incremental: {
              cursor_path: "updated_at",
              start_param: "since",
              initial_value: "2024-01-02T00:00:00Z",
            },
          },
        },
      ],
    };
    const state: JsonObject = {};
    const run = async () => {
      const source = restApiSource(config);
      try {
        return await readAll(source.resources[0] as Resource, sourceContext(state));
      } finally {
        await source.close();
      }
    };
    const before = requestsTo("/events").length;
    expect((await run()).map((e) => e.id)).toEqual([2, 3]);
    expect(requestsTo("/events")[before]?.query.get("since")).toBe("2024-01-02T00:00:00Z");
    expect(state).toMatchObject({ incremental: { updated_at: { last_value: "2024-01-03T00:00:00Z" } } });

    events.push({ id: 4, updated_at: "2024-01-03T00:00:00Z", kind: "late" });
    events.push({ id: 5, updated_at: "2024-01-04T00:00:00Z", kind: "d" });
    // record 3 comes back (the API's "since" is inclusive) and is not loaded twice
    expect((await run()).map((e) => e.id)).toEqual([4, 5]);
    expect(requestsTo("/events")[before + 1]?.query.get("since")).toBe("2024-01-03T00:00:00Z");
    expect((await run()).map((e) => e.id)).toEqual([]);
  });

  it("supports dlt's legacy incremental param and {incremental.start_value} placeholders", async () => {
    events = [
      { id: 1, updated_at: "2024-02-01", kind: "a" },
      { id: 2, updated_at: "2024-02-05", kind: "b" },
    ];
    const legacy = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name: "events",
          endpoint: {
            path: "/events",
            paginator: "single_page",
            params: {
              since: { type: "incremental", cursor_path: "updated_at", initial_value: "2024-02-02" },
            },
          },
        },
      ],
    });
    const placeholder = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name: "events",
          endpoint: {
            path: "/events",
            paginator: "single_page",
            params: { since: "{incremental.start_value}" },
            incremental: {
              cursor_path: "updated_at",
              initial_value: "2024-01-15",
              convert: (v) => `${String(v)}`,
            },
          },
        },
      ],
    });
    try {
      expect((await readAll(legacy.resources[0] as Resource, sourceContext())).map((e) => e.id)).toEqual([2]);
      expect(requestsTo("/events").at(-1)?.query.get("since")).toBe("2024-02-02");
      expect((await readAll(placeholder.resources[0] as Resource, sourceContext())).map((e) => e.id)).toEqual(
        [1, 2],
      );
      expect(requestsTo("/events").at(-1)?.query.get("since")).toBe("2024-01-15");
    } finally {
      await legacy.close();
      await placeholder.close();
    }
  });

  it("keeps one cursor per parent record for incremental children", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resources: [
        { name: "users", endpoint: { path: "/users", paginator: "single_page" } },
        {
          name: "orders",
          endpoint: {
            path: "/users/{resources.users.id}/orders",
            paginator: "single_page",
            incremental: { cursor_path: "n", start_param: "after", initial_value: 0 },
          },
        },
      ],
    });
    const ordersRes = byName(source.resources, "orders");
    const state: JsonObject = {};
    try {
      const first: DataRecord[] = [];
      for (const u of ["u1", "u2"])
        first.push(...(await readAll(ordersRes, sourceContext(state), { id: u })));
      expect(first.map((o) => o.id)).toEqual(["u1-a", "u1-b", "u2-a"]);
      expect(state).toMatchObject({
        incremental: { n: { parents: { "id=u1": { last_value: 2 }, "id=u2": { last_value: 10 } } } },
      });
      orders.u1?.push({ id: "u1-c", n: 3 });
      const second: DataRecord[] = [];
      for (const u of ["u1", "u2"])
        second.push(...(await readAll(ordersRes, sourceContext(state), { id: u })));
      expect(second.map((o) => o.id)).toEqual(["u1-c"]);
      const afterParams = requestsTo("/users/")
        .slice(-2)
        .map((r) => r.query.get("after"));
      expect(afterParams).toEqual(["2", "10"]);
    } finally {
      await source.close();
    }
  });

  it("applies processing_steps and exclude_columns, and maps hints", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resource_defaults: { write_disposition: { disposition: "merge", strategy: "upsert" } },
      resources: [
        {
          name: "things",
          table_name: "thing_table",
          primary_key: ["id"],
          merge_key: "id",
          max_table_nesting: 1,
          selected: true,
          parallelized: true,
          schema_contract: "freeze",
          exclude_columns: ["updated_at", "followers"],
          columns: {
            type: "object",
            properties: { keep: { type: ["string", "null"] }, n: { type: "integer" } },
          },
          processing_steps: [
            { map: (r) => ({ ...r, n: (r.n as number) + 1 }) },
            { filter: (r) => r.n === 2 },
          ],
          endpoint: { path: "/things", paginator: "single_page" },
        },
      ],
    });
    try {
      const res = source.resources[0] as Resource;
      expect(await readAll(res, sourceContext())).toEqual([{ id: 1, keep: "x", n: 2 }]);
      expect(res.hints).toEqual({
        table_name: "thing_table",
        write_disposition: { disposition: "merge", strategy: "upsert" },
        primary_key: ["id"],
        merge_key: "id",
        max_table_nesting: 1,
        selected: true,
        parallelized: true,
        schema_contract: "freeze",
        // `n` is not in a `required` list: its type alone makes no NOT NULL.
        columns: { keep: { nullable: true, data_type: "text" }, n: { data_type: "bigint" } },
      });
    } finally {
      await source.close();
    }
  });

  it("sends placeholders in json bodies and headers with their JSON spelling", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resources: [
        { name: "flags", endpoint: { path: "/flags", paginator: "single_page" } },
        {
          name: "search",
          endpoint: {
            path: "/search",
            method: "POST",
            data_selector: "data",
            paginator: "single_page",
            json: {
              on: "{resources.flags.on}",
              label: "flag={resources.flags.on}",
              none: "{resources.flags.none}",
            },
            headers: { "X-Flag": "{resources.flags.on}/{{literal}}" },
          },
        },
      ],
    });
    try {
      const out = await readAll(byName(source.resources, "search"), sourceContext(), {
        on: true,
        none: null,
      });
      expect(out[0]?.echo).toEqual({ on: true, label: "flag=true", none: null });
      expect(requestsTo("/search").at(-1)?.headers["x-flag"]).toBe("true/{literal}");
    } finally {
      await source.close();
    }
  });

  it("uses the paginator by precedence: endpoint, then resource_defaults, then client", async () => {
    const source = restApiSource({
      client: { base_url: server.url, paginator: "single_page" },
      resource_defaults: { endpoint: { paginator: { type: "offset", limit: 4 }, data_selector: "data" } },
      resources: [
        { name: "a", endpoint: { path: "/posts" } },
        { name: "b", endpoint: { path: "/posts", paginator: { type: "offset", limit: 3 } } },
        { name: "c", endpoint: { path: "/posts", paginator: null } },
      ],
    });
    try {
      const limits = async (name: string) => {
        const start = server.requests.length;
        const recs = await readAll(byName(source.resources, name), sourceContext());
        return { n: recs.length, limits: server.requests.slice(start).map((r) => r.query.get("limit")) };
      };
      expect(await limits("a")).toEqual({ n: 5, limits: ["4", "4"] });
      expect(await limits("b")).toEqual({ n: 5, limits: ["3", "3"] });
      // null resets the default: the client's single_page applies, no paging params
      expect(await limits("c")).toEqual({ n: 5, limits: [null] });
    } finally {
      await source.close();
    }
  });
});

describe("restApiSource config errors", () => {
  it("rejects an unknown parent and a cycle, naming resource and path, before any request", () => {
    const count = server.requests.length;
    let err: unknown;
    try {
      restApiSource({
        client: { base_url: server.url },
        resources: [
          "posts",
          { name: "comments", endpoint: "/posts/{resources.post.id}/comments" },
          { name: "a", endpoint: "/a/{resources.b.id}" },
          { name: "b", endpoint: "/b/{resources.a.id}" },
        ],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toHaveLength(2);
    expect(issues[0]?.path).toMatch(/^resources\[1\]\.endpoint/);
    expect(issues[1]?.path).toMatch(/^resources\[2\]\.endpoint/);
    expect((err as ConfigError).message).toContain('unknown parent resource "post"');
    expect((err as ConfigError).message).toContain("cycle: a → b → a");
    expect(server.requests.length).toBe(count);
  });

  it("reports a malformed placeholder as a config error", () => {
    expect(() =>
      restApiSource({
        client: { base_url: server.url },
        resources: ["p", { name: "x", endpoint: "/x/{resources.p.id" }],
      }),
    ).toThrow(ConfigError);
    expect(() =>
      restApiSource({
        client: { base_url: server.url },
        resources: ["p", { name: "x", endpoint: { path: "/x", params: { q: "{resources.p}" } } }],
      }),
    ).toThrow(/resources\[1\]\.endpoint\.params\.q/);
  });
});
