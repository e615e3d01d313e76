import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useConfigVerdicts } from "../support/config-verdicts.js";

/**
 * Items 6–9 of "Silent differences found beyond the thirteen cases" (docs/dlt-compatibility.md), each
 * checked against dlt: `sluice validate` and `sluice run` give one verdict at one path, and a refused
 * config sends no request to a loopback API that counts them.
 */
describe("dlt defects 6–9: validate and run agree", () => {
  const { api, cli, configFile, refused } = useConfigVerdicts("dlt-defects", {
    items: [{ id: 1, ts: "2024-01-02" }],
  });

  /** validate fails (1), run refuses (2) with the same text, and no request was sent. */

  const one = (endpoint: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    resources: [{ name: "r", endpoint: { path: "r", paginator: "single_page", ...endpoint }, ...extra }],
  });

  describe("6. every JSONPath is compiled by validate as run compiles it", () => {
    it("refuses recursive descent, filters and slices in data_selector at its path", async () => {
      expect(await refused(one({ data_selector: "$..items" }))).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.data_selector: Unsupported JSONPath "\$\.\.items": recursive descent `\.\.` is not supported/,
        ),
      ]);
      expect(await refused(one({ data_selector: "a.items[?(@.id > 0)]" }))).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.data_selector: .*filter expressions .* are not supported/,
        ),
      ]);
      expect(await refused(one({ data_selector: "items[0:2]" }))).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.data_selector: .*slices `\[0:2\]` are not supported/,
        ),
      ]);
    });

    it("refuses them in paginator paths, wherever the paginator is", async () => {
      const lines = await refused({
        client: { base_url: api.url, paginator: { type: "cursor", cursor_path: "$..next" } },
        resource_defaults: {
          endpoint: { paginator: { type: "json_link", next_url_path: "links[?(@.rel)]" } },
        },
        resources: [
          {
            name: "r",
            endpoint: {
              path: "r",
              paginator: { type: "offset", limit: 10, total_path: "meta..total", has_more_path: "a[1:]" },
            },
          },
          { name: "s", endpoint: { path: "s", paginator: { type: "cursor", cursor_body_path: "q[0]" } } },
        ],
      });
      expect(lines).toEqual([
        expect.stringMatching(/^- client\.paginator\.cursor_path: Unsupported JSONPath "\$\.\.next"/),
        expect.stringMatching(
          /^- resource_defaults\.endpoint\.paginator\.next_url_path: .*filter expressions/,
        ),
        expect.stringMatching(/^- resources\[0\]\.endpoint\.paginator\.total_path: .*recursive descent/),
        expect.stringMatching(/^- resources\[0\]\.endpoint\.paginator\.has_more_path: .*slices/),
        expect.stringMatching(
          /^- resources\[1\]\.endpoint\.paginator\.cursor_body_path: .*body paths take keys only/,
        ),
      ]);
    });

    it("refuses an incremental cursor_path the record reader would misread (it read `$..ts` as `ts`)", async () => {
      const inc = (cursor_path: string) => ({ cursor_path, initial_value: "2024-01-01" });
      expect(await refused(one({ incremental: inc("$..ts") }))).toEqual([
        expect.stringMatching(/^- resources\[0\]\.endpoint\.incremental\.cursor_path: .*recursive descent/),
      ]);
      expect(await refused(one({ incremental: inc("items[*].ts") }))).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.incremental\.cursor_path: .*wildcards and \['quoted'\] keys are not supported/,
        ),
      ]);
      expect(
        await refused(one({ params: { since: { type: "incremental", cursor_path: "x[?(@.a)]" } } })),
      ).toEqual([expect.stringMatching(/^- resources\[0\]\.endpoint\.params\.since\.cursor_path: .*filter/)]);
    });

    it("still runs the subset it reads", async () => {
      const file = configFile(
        one({
          data_selector: "$.items[*]",
          incremental: { cursor_path: "$.ts", initial_value: "2024-01-01" },
        }),
      );
      const run = await cli(["run", file, "--pipeline", "subset"]);
      expect(run.code, run.stderr).toBe(0);
    });
  });

  describe("7. upsert without primary_key is refused, as dlt refuses it", () => {
    const upsert = { disposition: "merge", strategy: "upsert" };
    it("at write_disposition, also when the strategy comes from resource_defaults", async () => {
      expect(await refused(one({}, { write_disposition: upsert, merge_key: "id" }))).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.write_disposition: resource "r" uses merge strategy upsert without a primary_key .*\(set primary_key/,
        ),
      ]);
      expect(
        await refused({
          resource_defaults: { write_disposition: upsert },
          resources: [{ name: "r", endpoint: { path: "r", paginator: "single_page" } }],
        }),
      ).toEqual([
        expect.stringMatching(
          /^- resources\[0\]: resource "r" uses merge strategy upsert without a primary_key/,
        ),
      ]);
    });

    it("accepts a primary key given as a column hint and loads with it", async () => {
      const file = configFile(
        one(
          { data_selector: "items" },
          { write_disposition: upsert, columns: { id: { data_type: "bigint", primary_key: true } } },
        ),
      );
      expect((await cli(["validate", file])).code).toBe(0);
      const run = await cli(["run", file, "--pipeline", "upsert_cols"]);
      expect(run.code, run.stderr).toBe(0);
    });
  });

  describe("8. validate warns about merge without keys only where rows are appended", () => {
    const warnings = async (wd: unknown): Promise<string> => {
      const r = await cli(["validate", configFile(one({}, { write_disposition: wd }))]);
      expect(r.code, r.stderr).toBe(0);
      return r.stderr;
    };
    it("warns for delete-insert, not for scd2", async () => {
      expect(await warnings("merge")).toMatch(/rows will be appended/);
      expect(await warnings({ disposition: "merge", strategy: "delete-insert" })).toMatch(
        /rows will be appended/,
      );
      expect(await warnings({ disposition: "merge", strategy: "scd2" })).not.toMatch(/warning/);
    });
  });

  describe("9. dlt spellings: accepted with dlt's meaning, or refused saying 'not supported'", () => {
    it('api_key location "param" is dlt\'s alias of query', async () => {
      const file = configFile(one({ data_selector: "items" }));
      const config = {
        client: {
          base_url: api.url,
          auth: { type: "api_key", name: "key", api_key: "k-123", location: "param" },
        },
        ...one({ data_selector: "items" }),
      };
      writeFileSync(file, JSON.stringify(config));
      expect((await cli(["validate", file])).code).toBe(0);
      const before = api.requests.length;
      const run = await cli(["run", file, "--pipeline", "param_alias"]);
      expect(run.code, run.stderr).toBe(0);
      const sent = api.requests.slice(before);
      expect(sent.map((r) => r.query.get("key"))).toEqual(["k-123"]);
      expect(sent[0]?.headers.authorization).toBeUndefined();
    });

    it("auth as a type-name string is not supported (dlt fills it from .dlt/ config)", async () => {
      expect(await refused({ client: { base_url: api.url, auth: "bearer" }, ...one({}) })).toEqual([
        expect.stringMatching(
          /^- client\.auth: auth given as a type name \("bearer"\) is not supported.*\(write the auth as an object, e\.g\. \{type: "bearer", token: "\$\{secrets\.token\}"\}\)/,
        ),
      ]);
    });

    it("cursor stop_after_empty_page and has_more_path are not supported", async () => {
      const lines = await refused(
        one({
          paginator: {
            type: "cursor",
            cursor_path: "next",
            stop_after_empty_page: true,
            has_more_path: "more",
          },
        }),
      );
      expect(lines).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.paginator\.stop_after_empty_page: unknown key .*not supported by sluice on this paginator/,
        ),
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.paginator\.has_more_path: unknown key .*not supported by sluice on this paginator/,
        ),
      ]);
    });
  });
});
