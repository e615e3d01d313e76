import { describe, expect, it } from "vitest";
import { formatPath, type PathSegment } from "../../src/config/index.js";
import { useConfigVerdicts } from "../support/config-verdicts.js";

/**
 * Configs dlt's rest_api_source refuses (verified against dlt's config_setup.py and its REST client):
 * `sluice validate` names each problem at its path, and `sluice run` refuses the same config with the
 * same message before its first request to a loopback API that counts requests.
 */
type Resources = unknown[];

describe("configs dlt rejects are rejected before the first request", () => {
  const { api, cli, configFile, refused, accepted } = useConfigVerdicts("dlt-rejects");

  /** validate's issue lines (`- file:line:col path: message (hint)`), without file positions. */

  /** Runs both commands on one config: validate fails (1), run refuses it (2), no request was sent. */

  const at = (resources: Resources) => ({ resources });

  describe("4. json and data on one endpoint", () => {
    it("refuses both bodies, also when one comes from resource_defaults", async () => {
      const own = await refused(
        at([
          { name: "search", endpoint: { path: "search", method: "POST", json: { q: 1 }, data: { a: "b" } } },
        ]),
      );
      expect(own).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.data: resource "search" has both json \(from this endpoint\) and data \(from this endpoint\)/,
        ),
      ]);
      const merged = await refused({
        resource_defaults: { endpoint: { method: "POST", json: { q: 1 } } },
        resources: [{ name: "search", endpoint: { path: "search", data: "a=b" } }],
      });
      expect(merged).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.data: .*json \(from resource_defaults\.endpoint\) and data \(from this endpoint\)/,
        ),
      ]);
    });

    it("accepts an empty json next to data, and a default json reset with null (as dlt: an empty body is none)", async () => {
      await accepted(
        at([{ name: "s", endpoint: { path: "s", method: "POST", json: {}, data: { a: "b" } } }]),
      );
      await accepted({
        resource_defaults: { endpoint: { method: "POST", json: { q: 1 } } },
        resources: [{ name: "s", endpoint: { path: "s", json: null, data: { a: "b" } } }],
      });
    });
  });

  describe("5. unknown placeholders", () => {
    it("refuses an unknown namespace in the path with the nearest valid placeholder", async () => {
      expect(
        await refused(at(["posts", { name: "comments", endpoint: "posts/{unknown.posts.id}/comments" }])),
      ).toEqual([
        "- resources[1].endpoint: unknown placeholder {unknown.posts.id} (did you mean {resources.posts.id}?)",
      ]);
    });

    it("refuses a misspelled namespace in params and a misspelled incremental field", async () => {
      const lines = await refused(
        at([
          "posts",
          {
            name: "comments",
            endpoint: {
              path: "comments",
              params: { post: "{resource.posts.id}", since: "{incremental.strat_value}" },
              incremental: { cursor_path: "updated_at", initial_value: "2024-01-01" },
            },
          },
        ]),
      );
      expect(lines).toEqual([
        "- resources[1].endpoint.params.post: unknown placeholder {resource.posts.id} (did you mean {resources.posts.id}?)",
        expect.stringMatching(
          /^- resources\[1\]\.endpoint\.params\.since: unknown placeholder \{incremental\.strat_value\} \(did you mean "incremental\.start_value"\?/,
        ),
      ]);
    });

    it("refuses single braces in a JSON body or header (dlt does too) and accepts them doubled", async () => {
      const lines = await refused(
        at([
          {
            name: "q",
            endpoint: {
              path: "graphql",
              method: "POST",
              json: { query: "{ viewer { id } }" },
              headers: { "X-Tag": "{tag}" },
            },
          },
        ]),
      );
      expect(lines).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.json\.query: unknown placeholder \{id\} .*write \{\{id\}\}/,
        ),
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.headers\["X-Tag"\]: unknown placeholder \{tag\} .*write \{\{tag\}\}/,
        ),
      ]);
      await accepted(
        at([
          {
            name: "q",
            endpoint: { path: "graphql", method: "POST", json: { query: "{{ viewer {{ id }} }}" } },
          },
        ]),
      );
    });

    it("leaves secret references alone", async () => {
      await accepted(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's secret reference, not a template
        at([{ name: "q", endpoint: { path: "q", headers: { "X-Key": "${secrets.demo_key}" } } }]),
      );
    });
  });

  describe("6. validate runs every check run makes before its first request", () => {
    const bad: Array<[string, Record<string, unknown>, string]> = [
      [
        "a resolve param no placeholder uses",
        at([
          "posts",
          {
            name: "c",
            endpoint: { path: "c", params: { pid: { type: "resolve", resource: "posts", field: "id" } } },
          },
        ]),
        "resources[1].endpoint.params.pid",
      ],
      [
        "json and data",
        at([{ name: "s", endpoint: { path: "s", json: { a: 1 }, data: { b: 2 } } }]),
        "resources[0].endpoint.data",
      ],
      [
        "an unknown placeholder",
        at([{ name: "s", endpoint: { path: "s", params: { q: "{x.y}" } } }]),
        "resources[0].endpoint.params.q",
      ],
      [
        "a ranged incremental param",
        at([
          {
            name: "s",
            endpoint: {
              path: "s",
              params: { since: { type: "incremental", cursor_path: "u", end_value: "9" } },
            },
          },
        ]),
        "resources[0].endpoint.params.since.end_value",
      ],
      [
        "a bad header name",
        { client: { headers: { "X Y": "1" } }, resources: ["s"] },
        'client.headers["X Y"]',
      ],
      [
        "an unknown parent",
        at(["posts", { name: "c", endpoint: "posts/{resources.post.id}/c" }]),
        "resources[1].endpoint",
      ],
    ];

    it.each(bad)("%s: same verdict and message from validate and run", async (_name, config, path) => {
      const client = { ...(config.client as Record<string, unknown> | undefined), base_url: api.url };
      const lines = await refused({ ...config, client });
      expect(
        lines.some((l) => l.startsWith(`- ${path}: `)),
        lines.join("\n"),
      ).toBe(true);
    });
  });

  describe("8. a param-level incremental with a range", () => {
    it("refuses end_value and end_param with the fix", async () => {
      const lines = await refused(
        at([
          {
            name: "events",
            endpoint: {
              path: "events",
              params: {
                since: {
                  type: "incremental",
                  cursor_path: "updated_at",
                  initial_value: "2024-01-01",
                  end_value: "2024-02-01",
                  end_param: "until",
                },
              },
            },
          },
        ]),
      );
      expect(lines).toEqual([
        expect.stringMatching(
          /^- resources\[0\]\.endpoint\.params\.since\.end_value: an incremental param takes only a start .*use endpoint\.incremental instead: \{start_param: "since"/,
        ),
        expect.stringMatching(/^- resources\[0\]\.endpoint\.params\.since\.end_param: /),
      ]);
    });

    it("accepts the same range in endpoint.incremental", async () => {
      await accepted(
        at([
          {
            name: "events",
            endpoint: {
              path: "events",
              incremental: {
                cursor_path: "updated_at",
                initial_value: "2024-01-01",
                end_value: "2024-02-01",
                start_param: "since",
                end_param: "until",
              },
            },
          },
        ]),
      );
    });
  });

  describe("11. header names and values", () => {
    it("refuses names that are not HTTP tokens and values with CR/LF, at each header's path", async () => {
      const lines = await refused({
        client: { base_url: api.url, headers: { "X-Note": "a\r\nX-Evil: 1", "X:Colon": "1" } },
        resource_defaults: { endpoint: { headers: { "X Space": "1" } } },
        resources: [
          {
            name: "s",
            endpoint: {
              path: "s",
              headers: { "X-{tenant}": "1" },
              auth: { type: "api_key", name: "X Key", api_key: "k" },
            },
          },
        ],
      });
      const path = (...p: PathSegment[]) => formatPath(p);
      expect(lines.map((l) => l.slice(2, l.indexOf(": ")))).toEqual([
        path("client", "headers", "X-Note"),
        path("client", "headers", "X:Colon"),
        path("resource_defaults", "endpoint", "headers", "X Space"),
        path("resources", 0, "endpoint", "headers", "X-{tenant}"),
        "resources[0].endpoint.auth.name",
      ]);
      expect(lines[0]).toContain("line break (CR/LF)");
      expect(lines[1]).toContain('"X:Colon" is not a valid HTTP header name');
    });

    it("refuses a secret whose value ends in a newline once it is filled into a header, never showing it", async () => {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's secret reference, not a template
      const key = "${secrets.key_with_newline}";
      const file = configFile({
        resources: [{ name: "s", endpoint: { path: "s", headers: { "X-Key": key } } }],
      });
      const env = { KEY_WITH_NEWLINE: "hunter2-value\n" };
      const before = api.requests.length;
      const validate = await cli(["validate", file], env);
      const run = await cli(["run", file], env);
      expect(validate.code, validate.stderr).toBe(1);
      expect(run.code, run.stderr).toBe(2);
      expect(api.requests.length - before).toBe(0);
      for (const r of [validate, run]) {
        expect(r.stderr).toContain(
          'resources[0].endpoint.headers["X-Key"]: header "X-Key" has a line break (CR/LF)',
        );
        expect(r.stderr).not.toContain("hunter2");
      }
    });
  });

  describe("deliberate differences", () => {
    it("validate notes them at their paths and still calls the config valid", async () => {
      const r = await cli([
        "validate",
        configFile({
          resources: [
            { name: "posts", endpoint: { path: "posts", params: { draft: true } } },
            {
              name: "comments",
              endpoint: {
                path: "posts/{resources.posts.id}/comments",
                incremental: { cursor_path: "ts", initial_value: "2024-01-01", start_param: "since" },
              },
            },
          ],
        }),
      ]);
      expect(r.code, r.stderr).toBe(0);
      const notes = r.stderr.split("\n").filter((l) => l.startsWith("note: "));
      expect(notes).toEqual([
        expect.stringMatching(
          /^note: \S+:\d+:\d+ resources\[0\]\.endpoint\.params\.draft: the boolean is sent as "true".*\(differs from dlt\)$/,
        ),
        expect.stringMatching(
          /^note: \S+:\d+:\d+ resources\[1\]: sluice reads the children of one parent page in parallel.*\(differs from dlt\)$/,
        ),
        expect.stringMatching(
          /^note: \S+:\d+:\d+ resources\[1\]\.endpoint\.incremental: sluice keeps one incremental cursor per parent record.*\(differs from dlt\)$/,
        ),
      ]);
    });
  });
});
