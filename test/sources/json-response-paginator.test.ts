import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/config/validate.js";
import { memoryLogger } from "../../src/core/logger.js";
import { restApiSource } from "../../src/sources/rest_api/source.js";
import { readAll, type SourceServer, sourceContext, startSourceServer } from "../support/source-server.js";

// dlt issue 11, case 10: dlt's PAGINATOR_MAP still maps "json_response" to JSONLinkPaginator
// (deprecated there). sluice takes it too, with a warning naming "json_link".

let api: SourceServer;
beforeAll(async () => {
  api = await startSourceServer((req) => {
    const page = Number(req.query.get("page") ?? 1);
    const next = page < 3 ? `${req.path}?page=${page + 1}` : null;
    // `/flat` puts the link at dlt's default path `next`, `/nested` at `paging.next`.
    return {
      body:
        req.path === "/flat" ? { items: [{ id: page }], next } : { items: [{ id: page }], paging: { next } },
    };
  });
});
afterAll(() => api.close());

describe('paginator "json_response"', () => {
  it.each([
    ["the string form", "json_response", "/flat"],
    ["the object form", { type: "json_response", next_url_path: "paging.next" }, "/nested"],
  ] as const)(
    "%s follows next links like json_link, with a deprecation warning",
    async (_n, paginator, path) => {
      api.requests.length = 0;
      const logger = memoryLogger();
      const source = restApiSource(
        {
          client: { base_url: api.url },
          resources: [
            {
              name: "things",
              endpoint: {
                path,
                data_selector: "items",
                paginator,
              },
            },
          ],
        },
        { logger },
      );
      const warnings = logger.entries
        .filter((e) => e.level === "warn")
        .map((e) => `${e.msg} ${e.fields.hint}`);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/"json_response" is deprecated.*write "json_link"/);
      const records = await readAll(source.resources[0]!, sourceContext());
      expect(records.map((r) => r.id)).toEqual([1, 2, 3]);
      expect(api.requests.map((r) => r.path + (r.query.size ? `?${r.query}` : ""))).toEqual([
        path,
        `${path}?page=2`,
        `${path}?page=3`,
      ]);
    },
  );

  it("validate reports the warning with its path and no error", () => {
    const result = checkConfig({
      client: { base_url: "http://api.test", paginator: "json_response" },
      resources: [{ name: "a", endpoint: { paginator: { type: "json_response", next_url_path: "n" } } }],
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual([
      "client.paginator",
      "resources[0].endpoint.paginator.type",
    ]);
    expect(result.warnings[0]?.hint).toMatch(/write "json_link"/);
  });
});
