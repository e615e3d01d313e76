import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { RestClient } from "../../src/http/client.js";
import type { PaginateOptions, RequestSpec } from "../../src/http/types.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

// dlt issue 11, case 12: a server's next link is the whole next request (dlt's
// BaseNextUrlPaginator sets `request.params = None`); the endpoint's params are not added back.
// Auth is applied to every request, so an api_key in the query goes with the link (same origin only).

let api: TestServer;
let other: TestServer;
let client: RestClient;

beforeAll(async () => {
  api = await startHttpServer();
  other = await startHttpServer();
  client = new RestClient({
    base_url: api.url,
    logger: memoryLogger(),
    auth: { type: "api_key", name: "api_key", api_key: "K3y", location: "query" },
  });
});
afterAll(async () => {
  await client.close();
  await api.close();
  await other.close();
});

async function run(spec: RequestSpec, opts: PaginateOptions): Promise<number[]> {
  const ids: number[] = [];
  for await (const page of client.paginate(spec, opts))
    for (const r of page.records) ids.push((r as { id: number }).id);
  return ids;
}

const spec: RequestSpec = { path: "/items", params: { status: "open", size: 2 } };

function reset(): void {
  api.requests.length = 0;
  other.requests.length = 0;
}

describe("next links are followed as given", () => {
  it("json_link: the endpoint's params are not re-added; the query api_key is", async () => {
    reset();
    api.handle((req, res) => {
      const cursor = req.query.get("cursor");
      if (cursor === null) sendJson(res, { data: [{ id: 1 }], next: "/items?cursor=c2" });
      else if (cursor === "c2") sendJson(res, { data: [{ id: 2 }], next: "/items?cursor=c3&status=closed" });
      else sendJson(res, { data: [{ id: 3 }], next: null });
    });
    const ids = await run(spec, { paginator: { type: "json_link" }, data_selector: "data" });
    expect(ids).toEqual([1, 2, 3]);
    expect(api.requests.map((r) => r.path)).toEqual([
      "/items?status=open&size=2&api_key=K3y",
      "/items?cursor=c2&api_key=K3y",
      // A value the link carries is sent as the link has it.
      "/items?cursor=c3&status=closed&api_key=K3y",
    ]);
  });

  it("header_link: the Link header's URL as given", async () => {
    reset();
    api.handle((req, res) => {
      const page = req.query.get("page");
      const headers: Record<string, string> =
        page === null ? { link: `<${api.url}/items?page=2>; rel="next"` } : {};
      sendJson(res, [{ id: page === null ? 1 : 2 }], 200, headers);
    });
    const ids = await run(spec, { paginator: { type: "header_link" } });
    expect(ids).toEqual([1, 2]);
    expect(api.requests.map((r) => r.path)).toEqual([
      "/items?status=open&size=2&api_key=K3y",
      "/items?page=2&api_key=K3y",
    ]);
  });

  it("auto-detected next link: as given too", async () => {
    reset();
    api.handle((req, res) => {
      const page = req.query.get("page");
      if (page === null) sendJson(res, { results: [{ id: 1 }], next_url: `${api.url}/items?page=2` });
      else sendJson(res, { results: [{ id: 2 }], next_url: null });
    });
    const ids = await run(spec, {});
    expect(ids).toEqual([1, 2]);
    expect(api.requests.map((r) => r.path)).toEqual([
      "/items?status=open&size=2&api_key=K3y",
      "/items?page=2&api_key=K3y",
    ]);
  });

  it("a link to another host gets neither the endpoint's params nor the credentials", async () => {
    reset();
    api.handle((_req, res) => sendJson(res, { data: [{ id: 1 }], next: `${other.url}/elsewhere?page=2` }));
    other.handle((_req, res) => sendJson(res, { data: [{ id: 2 }], next: null }));
    const ids = await run(spec, { paginator: { type: "json_link" }, data_selector: "data" });
    expect(ids).toEqual([1, 2]);
    expect(api.requests.map((r) => r.path)).toEqual(["/items?status=open&size=2&api_key=K3y"]);
    expect(other.requests.map((r) => r.path)).toEqual(["/elsewhere?page=2"]);
  });
});
