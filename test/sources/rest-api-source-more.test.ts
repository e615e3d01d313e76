import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secrets } from "../../src/config/index.js";
import type { DataRecord, JsonObject } from "../../src/core/json.js";
import { memoryLogger } from "../../src/core/logger.js";
import type { Resource } from "../../src/core/resource.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import {
  readAll,
  type SeenRequest,
  type SourceServer,
  sourceContext,
  startSourceServer,
} from "../support/source-server.js";

const numbers = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, n: i + 1 }));
let flaky = 0;

/** The config-file spelling of a secret reference, `${secrets.<name>}`. */
const fileSecret = (name: string) => ["$", "{secrets.", name, "}"].join("");

function route(req: SeenRequest) {
  const q = req.query;
  const user = req.path.match(/^\/users\/(\d+)$/);
  if (user) return { body: { id: Number(user[1]), name: `user ${user[1]}`, active: true } };
  if (req.path.startsWith("/echo/"))
    return {
      body: { data: [{ path: req.path, key: q.get("key"), header: req.headers["x-key"], json: req.body }] },
    };
  if (req.path === "/gone") return { status: 404, body: { error: "gone" } };
  if (req.path === "/soft-error")
    return { status: 200, body: { error: "quota exceeded", data: [{ id: 1 }] } };
  if (req.path === "/users") return { body: [{ id: 7 }, { id: 8 }] };
  if (req.path === "/flaky") {
    flaky++;
    if (flaky % 2 === 1) return { status: 503, body: { error: "busy" } };
    return { body: { data: [{ id: 1 }] } };
  }
  if (req.path === "/numbers") {
    // sorted ascending, page_number paging, 3 per page
    const page = Number(q.get("page") ?? 1);
    const min = Number(q.get("min") ?? 0);
    const max = q.get("max");
    const rows = numbers.filter((r) => r.n >= min && (max === null || r.n < Number(max)));
    return { body: { data: rows.slice((page - 1) * 3, page * 3) } };
  }
  return { status: 404, body: { error: "unknown" } };
}

let server: SourceServer;
beforeAll(async () => {
  server = await startSourceServer(route);
});
afterAll(async () => {
  await server.close();
});

describe("restApiSource details", () => {
  it("reads a single-entity child path as one record, without a paginator or data_selector", async () => {
    const source = restApiSource({
      // the client's paginator would page forever on an object; the one-entity guess wins, as in dlt
      client: { base_url: server.url, paginator: { type: "offset", limit: 1 } },
      resources: [
        { name: "users", endpoint: { path: "/users", paginator: "single_page" } },
        { name: "user_details", endpoint: { path: "/users/{resources.users.id}" } },
      ],
    });
    try {
      const details = source.resources.find((r) => r.name === "user_details") as Resource;
      const out: DataRecord[] = [];
      for (const u of [{ id: 7 }, { id: 8 }]) out.push(...(await readAll(details, sourceContext(), u)));
      expect(out).toEqual([
        { id: 7, name: "user 7", active: true },
        { id: 8, name: "user 8", active: true },
      ]);
      expect(server.requests.filter((r) => r.path.startsWith("/users/")).length).toBe(2);
    } finally {
      await source.close();
    }
  });

  it("passes the endpoint's error_handler to the client and counts retries and requests", async () => {
    flaky = 0;
    const source = restApiSource({
      client: { base_url: server.url, error_handler: { max_retries: 0 } },
      resource_defaults: { endpoint: { error_handler: { backoff_factor: 0, max_delay: 0 } } },
      resources: [
        {
          name: "flaky",
          endpoint: { path: "/flaky", paginator: "single_page", error_handler: { max_retries: 2 } },
        },
        { name: "fragile", endpoint: { path: "/flaky", paginator: "single_page" } },
      ],
    });
    try {
      const ctx = sourceContext();
      expect(await readAll(source.resources[0] as Resource, ctx)).toEqual([{ id: 1 }]);
      expect(ctx.metrics).toEqual({
        pages: 1,
        records: 1,
        retries: 1,
        requests: 2,
        requestMs: expect.any(Number),
      });
      expect(ctx.metrics.requestMs).toBeGreaterThan(0);
      // the client's max_retries 0 applies where the endpoint does not override it
      await expect(readAll(source.resources[1] as Resource, sourceContext())).rejects.toThrow(/503/);
    } finally {
      await source.close();
    }
  });

  it("stops paging once a sorted stream passes end_value, sending start and end params", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name: "numbers",
          endpoint: {
            path: "/numbers",
            data_selector: "data",
            paginator: { type: "page_number", start_from_page: 1, page_param: "page", limit: 3 },
            incremental: {
              cursor_path: "n",
              start_param: "min",
              initial_value: 2,
              end_value: 5,
              row_order: "asc",
            },
          },
        },
      ],
    });
    const ctx = sourceContext();
    const before = server.requests.length;
    try {
      // the API here ignores "max", so the client filters the range and stops after page 2
      expect((await readAll(source.resources[0] as Resource, ctx)).map((r) => r.n)).toEqual([2, 3, 4]);
      const sent = server.requests.slice(before);
      expect(sent.map((r) => r.query.get("page"))).toEqual(["1", "2"]);
      expect(sent[0]?.query.get("min")).toBe("2");
      // an end_value bounds a backfill: the stored cursor is left alone
      expect(ctx.state).toEqual({ incremental: { n: {} } });
    } finally {
      await source.close();
    }
  });

  it("sends end_param, and skips a whole-value {incremental.end_value} param when unset", async () => {
    const withEnd = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name: "numbers",
          endpoint: {
            path: "/numbers",
            data_selector: "data",
            paginator: "single_page",
            incremental: {
              cursor_path: "n",
              start_param: "min",
              end_param: "max",
              initial_value: 1,
              end_value: 3,
            },
          },
        },
      ],
    });
    const noEnd = restApiSource({
      client: { base_url: server.url },
      resources: [
        {
          name: "numbers",
          endpoint: {
            path: "/numbers",
            data_selector: "data",
            paginator: "single_page",
            params: { min: "{incremental.start_value}", max: "{incremental.end_value}" },
            incremental: { cursor_path: "n", initial_value: 9 },
          },
        },
      ],
    });
    try {
      expect((await readAll(withEnd.resources[0] as Resource, sourceContext())).map((r) => r.n)).toEqual([
        1, 2,
      ]);
      expect(server.requests.at(-1)?.query.get("max")).toBe("3");
      const state: JsonObject = {};
      expect((await readAll(noEnd.resources[0] as Resource, sourceContext(state))).map((r) => r.n)).toEqual([
        9, 10,
      ]);
      expect(server.requests.at(-1)?.query.has("max")).toBe(false);
      expect(server.requests.at(-1)?.query.get("min")).toBe("9");
      expect(state).toMatchObject({ incremental: { n: { last_value: 10 } } });
    } finally {
      await withEnd.close();
      await noEnd.close();
    }
  });

  it("reports a missing parent field naming the child, the parent and the field", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resources: [
        { name: "users", endpoint: { path: "/users", paginator: "single_page" } },
        { name: "user_details", endpoint: { path: "/users/{resources.users.uid}" } },
      ],
    });
    try {
      const details = source.resources.find((r) => r.name === "user_details") as Resource;
      await expect(readAll(details, sourceContext(), { id: 7 })).rejects.toThrow(
        /resource "user_details": field "uid" is missing from a record of "users" \(fields: id\)/,
      );
    } finally {
      await source.close();
    }
  });

  it("logs config warnings through the given logger and never mutates the input", () => {
    const logger = memoryLogger("debug");
    const config = {
      client: { base_url: server.url },
      resource_defaults: { write_disposition: "merge" as const, endpoint: { params: { a: 1 } } },
      resources: ["users", { name: "x", endpoint: { path: "/x", params: { a: null } } }],
    };
    const before = JSON.stringify(config);
    restApiSource(config, { logger });
    expect(JSON.stringify(config)).toBe(before);
    expect(logger.entries.some((e) => e.level === "warn" && e.msg.includes("merge"))).toBe(true);
  });

  it("keeps braces inside secrets literal in templated fields (files and TS references)", async () => {
    const env = { BRACED: "a{b}c", OTHER: "x}}y" };
    const source = restApiSource(
      {
        client: { base_url: server.url },
        resources: [
          {
            name: "echo",
            endpoint: {
              path: `/echo/${fileSecret("braced")}`,
              method: "POST",
              params: { key: secrets.other! },
              headers: { "X-Key": `k-${fileSecret("braced")}-{{lit}}` },
              json: { type: "query", token: fileSecret("other") },
              paginator: "single_page",
              data_selector: "data",
            },
          },
        ],
      },
      { env },
    );
    try {
      const [row] = await readAll(source.resources[0] as Resource, sourceContext());
      expect(row).toEqual({
        path: "/echo/a%7Bb%7Dc",
        key: "x}}y",
        header: "k-a{b}c-{lit}",
        json: { type: "query", token: "x}}y" },
      });
    } finally {
      await source.close();
    }
  });

  it("applies response_actions from resource_defaults: status and content matches", async () => {
    const source = restApiSource({
      client: { base_url: server.url },
      resource_defaults: {
        endpoint: {
          paginator: "single_page",
          data_selector: "data",
          response_actions: [
            { status_code: 404, action: "ignore" },
            { content: "quota exceeded", action: "ignore" },
          ],
        },
      },
      resources: [
        { name: "gone", endpoint: "/gone" },
        { name: "soft", endpoint: "/soft-error" },
        { name: "strict", endpoint: { path: "/gone", response_actions: null } },
      ],
    });
    try {
      const [gone, soft, strict] = source.resources as Resource[];
      expect(await readAll(gone as Resource, sourceContext())).toEqual([]);
      expect(await readAll(soft as Resource, sourceContext())).toEqual([]);
      // null resets the default actions: a 404 fails, naming the status
      await expect(readAll(strict as Resource, sourceContext())).rejects.toThrow(/404/);
    } finally {
      await source.close();
    }
  });
});
