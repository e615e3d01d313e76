import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { RestApiConfig } from "../../src/config/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type RecordedRequest, sendJson, serverForFile, type TestServer } from "../support/http-server.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

// Each expectation is what dlt's rest_api sent to a loopback server for the same config (dlt run
// side by side), unless a comment marks a deliberate difference.

/** Parents `p` (ids 1..3); children answer with two records per parent, `ts` above the parent's id. */
function answer(req: RecordedRequest, res: ServerResponse): void {
  const path = req.path.split("?")[0] ?? "";
  const child = path.match(/^\/c\/(\d+)$/);
  if (path === "/p") sendJson(res, [{ id: 1 }, { id: 2 }, { id: 3 }]);
  else if (child) {
    const id = Number(child[1]);
    sendJson(res, [
      { id: id * 10 + 1, ts: 20 + id },
      { id: id * 10 + 2, ts: 30 + id },
    ]);
  } else
    sendJson(res, [
      { id: 1, ts: 5 },
      { id: 2, ts: 7 },
    ]);
}

/** What the server saw, reduced to what a request is: method, path with query, type, body, chosen headers. */
function seen(server: TestServer, headers: string[] = []) {
  return server.requests.map((r) => ({
    method: r.method,
    path: r.path,
    type: r.headers["content-type"] ?? null,
    body: r.body,
    ...Object.fromEntries(headers.map((h) => [h, r.headers[h] ?? null])),
  }));
}

let box: PipelineSandbox;
const server = serverForFile(answer);
afterEach(() => {
  box?.cleanup();
  server.requests.length = 0;
});

async function run(resources: RestApiConfig["resources"], name = "dltreq"): Promise<void> {
  const source = restApiSource({ client: { base_url: server.url, paginator: "single_page" }, resources });
  await box.make(name).run(source);
}

const inc = { cursor_path: "ts", initial_value: 3, lag: 2 } as const;

describe("requests rendered from a dlt endpoint config", () => {
  it("case 1: fills {incremental.initial_value} and {incremental.lag} in params, headers, JSON and form bodies", async () => {
    box = pipelineSandbox();
    const resources: RestApiConfig["resources"] = [
      {
        name: "q",
        endpoint: {
          path: "q",
          params: {
            iv: "{incremental.initial_value}",
            lag: "{incremental.lag}",
            sv: "{incremental.start_value}",
          },
          headers: { "x-init": "{incremental.initial_value}", "x-lag": "lag {incremental.lag}" },
          incremental: inc,
        },
      },
      {
        name: "j",
        endpoint: {
          path: "j",
          method: "POST",
          json: { iv: "{incremental.initial_value}", lag: "{incremental.lag}", t: "x{incremental.lag}" },
          incremental: inc,
        },
      },
      {
        name: "f",
        endpoint: {
          path: "f",
          method: "POST",
          data: { iv: "{incremental.initial_value}", lag: "{incremental.lag}" },
          incremental: inc,
        },
      },
    ];
    await run(resources);
    const form = "application/x-www-form-urlencoded";
    const first = [
      { method: "GET", path: "/q?iv=3&lag=2&sv=3", type: null, body: "", "x-init": "3", "x-lag": "lag 2" },
      {
        method: "POST",
        path: "/j",
        type: "application/json",
        body: '{"iv":3,"lag":2,"t":"x2"}',
        "x-init": null,
        "x-lag": null,
      },
      { method: "POST", path: "/f", type: form, body: "iv=3&lag=2", "x-init": null, "x-lag": null },
    ];
    expect(seen(server, ["x-init", "x-lag"]).sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [...first].sort((a, b) => a.path.localeCompare(b.path)),
    );

    // The next run starts from the stored cursor minus the lag; initial_value stays the configured one.
    server.requests.length = 0;
    await run(resources);
    expect(seen(server).find((r) => r.path.startsWith("/q"))?.path).toBe("/q?iv=3&lag=2&sv=5");
  });

  it("case 1: an unset lag leaves a param out (as an unset end_value does) and is null in JSON", async () => {
    box = pipelineSandbox();
    await run([
      {
        name: "j",
        endpoint: {
          path: "j",
          method: "POST",
          // Deliberately different: dlt formats None into the query (`lag=None&e=None`); sluice sends no param.
          params: { lag: "{incremental.lag}", e: "{incremental.end_value}", keep: 1 },
          json: { lag: "{incremental.lag}" },
          incremental: { cursor_path: "ts", initial_value: 3 },
        },
      },
    ]);
    expect(seen(server)).toEqual([
      { method: "POST", path: "/j?keep=1", type: "application/json", body: '{"lag":null}' },
    ]);
  });

  it("case 2: fills parent fields and incremental values in form bodies, and unescapes {{ }}", async () => {
    box = pipelineSandbox();
    await run([
      { name: "p", endpoint: { path: "p" } },
      {
        name: "c",
        endpoint: {
          path: "c/{resources.p.id}",
          method: "POST",
          data: { pid: "{resources.p.id}", since: "{incremental.start_value}", lit: "{{x}}" },
          incremental: { cursor_path: "ts", initial_value: 3 },
        },
      },
      {
        name: "s",
        endpoint: {
          path: "s",
          method: "POST",
          data: "q={{y}}&from={incremental.initial_value}",
          incremental: { cursor_path: "ts", initial_value: 3 },
        },
      },
      {
        name: "l",
        endpoint: {
          path: "l/{resources.p.id}",
          method: "PUT",
          data: [
            ["pid", "{resources.p.id}"],
            ["{{k}}", "v"],
          ],
        },
      },
    ]);
    const form = "application/x-www-form-urlencoded";
    const byPath = (p: string) => seen(server).find((r) => r.path === p);
    for (const id of [1, 2, 3]) {
      expect(byPath(`/c/${id}`)).toEqual({
        method: "POST",
        path: `/c/${id}`,
        type: form,
        body: `pid=${id}&since=3&lit=%7Bx%7D`,
      });
      expect(byPath(`/l/${id}`)).toEqual({
        method: "PUT",
        path: `/l/${id}`,
        type: form,
        body: `pid=${id}&%7Bk%7D=v`,
      });
    }
    // A string body is sent as written after interpolation, with no Content-Type (as requests does).
    expect(byPath("/s")).toEqual({ method: "POST", path: "/s", type: null, body: "q={y}&from=3" });
  });

  it("case 3: data as an object, a list of pairs and a string; empty forms send no body and no Content-Type", async () => {
    box = pipelineSandbox();
    await run([
      // Deliberately different: requests spells a Python True as "True"; sluice writes true, as in the query.
      {
        name: "d",
        endpoint: { path: "d", method: "POST", data: { n: 1, f: 1.5, t: true, no: null, l: [1, 2] } },
      },
      {
        name: "l",
        endpoint: {
          path: "l",
          method: "POST",
          data: [
            ["k", "1"],
            ["k", "2 3"],
            ["z", 3],
          ],
        },
      },
      { name: "s", endpoint: { path: "s", method: "POST", data: "raw body & more" } },
      { name: "e", endpoint: { path: "e", method: "POST", data: {} } },
      { name: "el", endpoint: { path: "el", method: "POST", data: [] } },
      { name: "es", endpoint: { path: "es", method: "POST", data: "" } },
    ]);
    const form = "application/x-www-form-urlencoded";
    expect(seen(server).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { method: "POST", path: "/d", type: form, body: "n=1&f=1.5&t=true&l=1&l=2" },
      { method: "POST", path: "/e", type: null, body: "" },
      { method: "POST", path: "/el", type: null, body: "" },
      { method: "POST", path: "/es", type: null, body: "" },
      { method: "POST", path: "/l", type: form, body: "k=1&k=2+3&z=3" },
      { method: "POST", path: "/s", type: null, body: "raw body & more" },
    ]);
    expect(server.requests.find((r) => r.path === "/e")?.headers["content-length"] ?? "0").toBe("0");
  });

  it("case 7: plain params named in the path fill it and leave the query, their own placeholders filled", async () => {
    box = pipelineSandbox();
    await run([
      { name: "a", endpoint: { path: "{org}/{repo}/x", params: { org: "my org", repo: "r/1", q: "v" } } },
      { name: "b", endpoint: { path: "orgs/{org}/b", params: { org: "{{lit}}" } } },
      {
        name: "i",
        endpoint: {
          path: "since/{from}/i",
          params: { from: "{incremental.start_value}" },
          incremental: { cursor_path: "ts", initial_value: 3 },
        },
      },
      { name: "p", endpoint: { path: "p" } },
      { name: "c", endpoint: { path: "{org}/c", params: { org: "o-{resources.p.id}", q: 1 } } },
    ]);
    const paths = seen(server)
      .map((r) => r.path)
      .sort();
    expect(paths).toEqual([
      "/my%20org/r/1/x?q=v",
      "/o-1/c?q=1",
      "/o-2/c?q=1",
      "/o-3/c?q=1",
      "/orgs/%7Blit%7D/b",
      "/p",
      "/since/3/i",
    ]);
  });
});

describe("case 13: a child's {incremental.start_value} does not drift within a run", () => {
  const child = (incremental: Record<string, unknown>): RestApiConfig["resources"] => [
    { name: "p", endpoint: { path: "p" } },
    {
      name: "c",
      endpoint: {
        path: "c/{resources.p.id}",
        params: { since: "{incremental.start_value}", until: "{incremental.end_value}" },
        incremental: { cursor_path: "ts", ...incremental },
      },
    },
  ];
  const childQueries = () =>
    server.requests
      .filter((r) => r.path.startsWith("/c/"))
      .map((r) => r.path)
      .sort();

  it("every child request of a run sends the value the run started from", async () => {
    box = pipelineSandbox();
    const resources = child({ initial_value: 10 });
    await run(resources, "drift");
    // The children's records (ts 21..33) arrive between the requests; none of them moves `since`. dlt
    // also sends `until=None` for the unset end_value; sluice leaves the param out.
    expect(childQueries()).toEqual(["/c/1?since=10", "/c/2?since=10", "/c/3?since=10"]);
    server.requests.length = 0;
    await run(resources, "drift");
    // Deliberately different: sluice keeps one cursor per parent record (README), so each parent resumes
    // from its own records' last value; dlt keeps one cursor and would send since=33 to all three.
    expect(childQueries()).toEqual(["/c/1?since=31", "/c/2?since=32", "/c/3?since=33"]);
  });

  it("with end_value every run sends the same range and the stored cursor is not moved", async () => {
    box = pipelineSandbox();
    const resources = child({ initial_value: 10, end_value: 100 });
    for (let i = 0; i < 2; i++) {
      server.requests.length = 0;
      await run(resources, "drift_end");
      expect(childQueries()).toEqual([
        "/c/1?since=10&until=100",
        "/c/2?since=10&until=100",
        "/c/3?since=10&until=100",
      ]);
    }
  });
});
