import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

const TOKEN = "tok-request-trace-51c9e0";
const PAGES = 12;

/** Every run's trace keeps its requests: shown by `pipeline <name> trace --requests`, logged at debug. */
describe("requests in the trace", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  let busyOnce = true;

  beforeAll(async () => {
    // Offset pages with the total known; the first try of the fourth page gets a 503; ?key=… is a secret.
    api = await startHttpServer((req, res) => {
      const offset = Number(req.query.get("offset") ?? 0);
      if (offset === 30 && busyOnce) {
        busyOnce = false;
        return sendJson(res, { error: "busy" }, 503);
      }
      const items = Array.from({ length: offset >= PAGES * 10 ? 0 : 10 }, (_, i) => ({ id: offset + i }));
      sendJson(res, { items, total: PAGES * 10 });
    });
    scratch = tempDir("reqtrace");
    writeFileSync(
      join(scratch.dir, "api.json"),
      JSON.stringify({
        client: {
          base_url: `${api.url}/`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a sluice secret reference, not a JS template
          auth: { type: "api_key", name: "key", location: "query", api_key: "${secrets.api_token}" },
          error_handler: { retry_on_status_codes: [503], max_retries: 3, backoff_factor: 0.01 },
        },
        resources: [
          {
            name: "things",
            endpoint: {
              path: "things",
              data_selector: "items",
              paginator: { type: "offset", limit: 10, total_path: "total" },
            },
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[]) => runCliIn(scratch.dir, args, { API_TOKEN: TOKEN });

  it("keeps each page request with its records and the paginator's decision, the retried one included", async () => {
    const run = await cli(["run", "api.json", "--log-level", "debug"]);
    expect(run.code).toBe(0);
    // Debug logs each request as it completes, without the query's secret.
    expect(run.stderr).toMatch(
      /DEBUG GET http:\/\/127\.0\.0\.1:\d+\/things\?offset=0&limit=10 → 200 .*records=10/,
    );
    expect(run.stderr + run.stdout).not.toContain(TOKEN);

    const json = await cli(["pipeline", "api", "trace", "--requests", "--json"]);
    expect(json.code).toBe(0);
    expect(json.stdout).not.toContain(TOKEN);
    const requests = JSON.parse(json.stdout) as {
      resource: string;
      status: number;
      url: string;
      page?: { index: number; records: number; next: string };
      retry?: { cause: string };
    }[];
    const pages = requests.filter((r) => r.page !== undefined);
    expect(pages.map((r) => r.page!.index)).toEqual(Array.from({ length: PAGES }, (_, i) => i));
    expect(pages.every((r) => r.status === 200 && r.page!.records === 10 && r.resource === "things")).toBe(
      true,
    );
    expect(pages[0]!.page!.next).toMatch(/^the remaining pages up to total 120, \d+ at a time$/);
    expect(pages.at(-1)!.page!.next).toBe("stop: last page of total 120");
    const retried = requests.filter((r) => r.retry !== undefined);
    expect(retried).toHaveLength(1);
    expect(retried[0]).toMatchObject({ status: 503, retry: { cause: "503" } });
    expect(retried[0]!.url).toMatch(/offset=30/);

    const failed = await cli(["pipeline", "api", "trace", "--requests", "--status", "5xx"]);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toMatch(/things .* GET .*offset=30.* 503 .*retry in/);
    expect(failed.stdout.trim().split("\n")).toHaveLength(3);
    const wrong = await cli(["pipeline", "api", "trace", "--requests", "--resource", "nope"]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/no resource "nope"[\s\S]*things/);
  }, 60_000);
});
