import { describe, expect, it } from "vitest";
import { checkConfig, secrets, validateConfig } from "../../src/config/index.js";
import { ConfigError } from "../../src/core/errors.js";

const client = { base_url: "https://api.example.com" };

/** Freezes a value and everything under it, to prove validation never writes to its input. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function errorsOf(input: unknown) {
  const result = checkConfig(input);
  expect(result.config, "expected the config to be invalid").toBeUndefined();
  return result.errors;
}

describe("valid configs", () => {
  const cases: [string, unknown][] = [
    ["minimal, bare-string resource", { client, resources: ["users"] }],
    ["endpoint as a path string", { client, resources: [{ name: "users", endpoint: "/v1/users" }] }],
    [
      "every paginator type, object and string forms",
      {
        client: { ...client, paginator: "header_link" },
        resources: [
          {
            name: "a",
            endpoint: { paginator: { type: "offset", limit: 10, total_path: null, maximum_pages: 3 } },
          },
          {
            name: "b",
            endpoint: { paginator: { type: "page_number", base_page: 1, total_path: "meta.pages" } },
          },
          {
            name: "c",
            endpoint: { paginator: { type: "cursor", cursor_path: "next", cursor_param: "after" } },
          },
          { name: "d", endpoint: { paginator: { type: "json_link", next_url_path: "links.next" } } },
          { name: "e", endpoint: { paginator: { type: "header_cursor", cursor_key: "X-Next" } } },
          { name: "f", endpoint: { paginator: "single_page" } },
          { name: "g", endpoint: { paginator: { type: "auto" } } },
          { name: "h", endpoint: { paginator: null } },
        ],
      },
    ],
    [
      "every auth: bearer without type, api_key, basic, dlt oauth2_client_credentials",
      {
        client: { ...client, auth: { token: `$${"{"}secrets.t}` } },
        resources: [
          {
            name: "a",
            endpoint: { auth: { type: "api_key", name: "key", api_key: "k", location: "query" } },
          },
          { name: "b", endpoint: { auth: { type: "http_basic", username: "u", password: "p" } } },
          {
            name: "c",
            endpoint: {
              auth: {
                type: "oauth2_client_credentials",
                access_token_url: "https://a.example/token",
                client_id: "i",
                client_secret: "s",
                access_token_request_data: { audience: "x" },
                scopes: ["read"],
              },
            },
          },
        ],
      },
    ],
    [
      "parent/child by placeholder, legacy resolve param, include_from_parent, escapes",
      {
        client,
        resources: [
          "issues",
          {
            name: "comments",
            endpoint: { path: "/issues/{resources.issues.number}/comments?x={{literal}}" },
            include_from_parent: ["id"],
          },
          {
            name: "reactions",
            endpoint: {
              path: "/comments/{comment_id}/reactions",
              params: { comment_id: { type: "resolve", resource: "comments", field: "id" } },
            },
          },
        ],
      },
    ],
    [
      "incremental with placeholders and the legacy incremental param",
      {
        client,
        resources: [
          {
            name: "events",
            endpoint: {
              params: { since: "{incremental.start_value}", until: "{incremental.end_value}" },
              incremental: {
                cursor_path: "updated_at",
                initial_value: "2024-01-01T00:00:00Z",
                end_value: "2024-02-01T00:00:00Z",
                row_order: "asc",
                lag: 3600,
                on_cursor_value_missing: "exclude",
                range_start: "open",
                range_end: "closed",
              },
            },
          },
          {
            name: "legacy",
            endpoint: { params: { since: { type: "incremental", cursor_path: "ts", initial_value: 0 } } },
          },
        ],
      },
    ],
    [
      "hints: write dispositions, keys, columns map, JSON Schema columns, contracts, nesting",
      {
        client,
        resource_defaults: {
          write_disposition: { disposition: "merge", strategy: "upsert" },
          primary_key: ["a", "b"],
        },
        resources: [
          {
            name: "x",
            columns: { amount: { data_type: "decimal", precision: 10, scale: 2, nullable: false } },
            schema_contract: { columns: "freeze", data_type: "discard_value" },
            max_table_nesting: 0,
            table_name: "things",
            merge_key: "day",
            selected: false,
            parallelized: true,
            exclude_columns: ["updated_at"],
          },
          {
            name: "y",
            columns: {
              type: "object",
              properties: { businessName: { type: ["string", "null"], maxLength: 9 } },
            },
            write_disposition: "replace",
          },
        ],
      },
    ],
    [
      "endpoint bodies, headers, response actions and error handler at three levels",
      {
        client: { ...client, headers: { "X-Api": "1" }, error_handler: { max_retries: 5 } },
        resource_defaults: { endpoint: { error_handler: { backoff_factor: 0.5 } } },
        resources: [
          {
            name: "search",
            endpoint: {
              method: "POST",
              // dlt reads every `{…}` in a body as a placeholder: literal braces are doubled.
              json: { query: "{{ users {{ id }} }}", filter: { since: 1 } },
              headers: { "X-Trace": "a", "X-Api": null },
              response_actions: [
                { status_code: 404, action: "ignore" },
                { content: "rate", action: "retry" },
              ],
              error_handler: { retry_on_status_codes: [429], max_delay: 5 },
            },
          },
        ],
      },
    ],
    [
      "pipeline block and $schema",
      {
        $schema: "./s.json",
        pipeline: { pipeline_name: "p", destination: "duckdb" },
        client,
        resources: ["a"],
      },
    ],
  ];
  it.each(cases)("%s", (_name, input) => {
    const result = checkConfig(input);
    expect(result.errors).toEqual([]);
    expect(result.config).toEqual(input);
  });
});

describe("invalid configs: path, value and fix", () => {
  const cases: [string, unknown, { path: string; message: RegExp; hint?: RegExp }][] = [
    [
      "enum typo on a paginator type",
      { client, resources: [{ name: "a", endpoint: { paginator: { type: "ofset", limit: 5 } } }] },
      { path: "resources[0].endpoint.paginator.type", message: /"ofset"/, hint: /^did you mean "offset"\?$/ },
    ],
    [
      "paginator string typo",
      { client: { ...client, paginator: "jsonlink" }, resources: ["a"] },
      { path: "client.paginator", message: /"jsonlink"/, hint: /did you mean "json_link"/ },
    ],
    [
      "dlt key sluice does not take",
      { client, resources: [{ name: "a", table_format: "delta" }] },
      { path: "resources[0].table_format", message: /unknown key/, hint: /not supported by sluice/ },
    ],
    [
      "a key named like an Object method",
      { client, resources: [{ name: "a", constructor: 1 }] },
      { path: "resources[0].constructor", message: /unknown key "constructor"/, hint: /allowed keys:/ },
    ],
    [
      "far-off enum value lists the allowed ones",
      { client, resources: [{ name: "a", write_disposition: "upsertish-thing" }] },
      {
        path: "resources[0].write_disposition",
        message: /"upsertish-thing"/,
        hint: /allowed: append, replace, merge/,
      },
    ],
    [
      "unknown key with the nearest known key",
      { client: { ...client, base_ulr: "x" }, resources: ["a"] },
      { path: "client.base_ulr", message: /unknown key "base_ulr"/, hint: /did you mean "base_url"/ },
    ],
    [
      "unknown key far from any",
      { client, resources: ["a"], zzz: 1 },
      {
        path: "zzz",
        message: /unknown key/,
        hint: /allowed keys: \$schema, pipeline, concurrency, client, resource_defaults, resources/,
      },
    ],
    [
      "auth type typo",
      { client: { ...client, auth: { type: "api-key", api_key: "x" } }, resources: ["a"] },
      { path: "client.auth.type", message: /"api-key"/, hint: /did you mean "api_key"/ },
    ],
    [
      "bearer without token",
      { client: { ...client, auth: { tokne: "x" } }, resources: ["a"] },
      { path: "client.auth.tokne", message: /unknown key/, hint: /did you mean "token"/ },
    ],
    [
      "offset paginator without limit",
      { client, resources: [{ name: "a", endpoint: { paginator: { type: "offset" } } }] },
      { path: "resources[0].endpoint.paginator.limit", message: /required key is missing/ },
    ],
    [
      '"offset" as a bare string has no limit',
      { client, resources: [{ name: "a", endpoint: { paginator: "offset" } }] },
      { path: "resources[0].endpoint.paginator", message: /needs a page size/, hint: /limit: 100/ },
    ],
    [
      "wrong type",
      { client, resources: [{ name: "a", endpoint: { paginator: { type: "offset", limit: "100" } } }] },
      { path: "resources[0].endpoint.paginator.limit", message: /expected number, got "100"/ },
    ],
    [
      "legacy param type typo",
      {
        client,
        resources: [
          "p",
          { name: "a", endpoint: { params: { id: { type: "resolved", resource: "p", field: "id" } } } },
        ],
      },
      { path: "resources[1].endpoint.params.id.type", message: /"resolved"/, hint: /did you mean "resolve"/ },
    ],
    [
      "JSON Schema column type typo",
      {
        client,
        resources: [
          { name: "a", columns: { type: "object", properties: { n: { type: ["string", "nul"] } } } },
        ],
      },
      { path: "resources[0].columns.properties.n.type[1]", message: /"nul"/, hint: /did you mean "null"/ },
    ],
    [
      "column data_type typo",
      { client, resources: [{ name: "a", columns: { n: { data_type: "timestmp" } } }] },
      { path: "resources[0].columns.n.data_type", message: /"timestmp"/, hint: /did you mean "timestamp"/ },
    ],
    ["no resources", { client, resources: [] }, { path: "resources", message: /at least 1 item/ }],
    ["missing client", { resources: ["a"] }, { path: "client", message: /required key is missing/ }],
    [
      "base_url not a URL",
      { client: { base_url: "api.example.com" }, resources: ["a"] },
      { path: "client.base_url", message: /not an absolute http\(s\) URL/, hint: /https:\/\// },
    ],
    [
      "unknown parent in a placeholder",
      { client, resources: ["issues", { name: "c", endpoint: "/issues/{resources.isues.id}/c" }] },
      {
        path: "resources[1].endpoint",
        message: /unknown parent resource "isues"/,
        hint: /did you mean "issues"/,
      },
    ],
    [
      "unknown parent in a resolve param",
      {
        client,
        resources: [
          "issues",
          {
            name: "c",
            endpoint: { path: "/i/{n}", params: { n: { type: "resolve", resource: "nope", field: "id" } } },
          },
        ],
      },
      {
        path: "resources[1].endpoint.params.n.resource",
        message: /unknown parent resource "nope"/,
        hint: /resources: issues, c/,
      },
    ],
    [
      "cycle",
      {
        client,
        resources: [
          { name: "a", endpoint: "/a/{resources.c.id}" },
          { name: "b", endpoint: "/b/{resources.a.id}" },
          { name: "c", endpoint: "/c/{resources.b.id}" },
        ],
      },
      { path: "resources[0].endpoint", message: /cycle: a → c → b → a/ },
    ],
    [
      "self reference is a cycle",
      { client, resources: [{ name: "a", endpoint: "/a/{resources.a.id}" }] },
      { path: "resources[0].endpoint", message: /cycle: a → a/ },
    ],
    [
      "duplicate resource names",
      { client, resources: ["a", { name: "a" }] },
      { path: "resources[1].name", message: /"a" is defined twice \(first at resources\[0\]\)/ },
    ],
    [
      "incremental placeholder without incremental",
      { client, resources: [{ name: "a", endpoint: { params: { since: "{incremental.start_value}" } } }] },
      { path: "resources[0].endpoint.params.since", message: /has no incremental/ },
    ],
    [
      "unknown incremental field",
      {
        client,
        resources: [
          {
            name: "a",
            endpoint: { params: { s: "{incremental.start}" }, incremental: { cursor_path: "t" } },
          },
        ],
      },
      {
        path: "resources[0].endpoint.params.s",
        message: /unknown placeholder \{incremental.start\}/,
        hint: /incremental.start_value/,
      },
    ],
    [
      "placeholder namespace typo",
      { client, resources: ["p", { name: "a", endpoint: "/x/{resource.p.id}" }] },
      {
        path: "resources[1].endpoint",
        message: /unknown placeholder/,
        hint: /did you mean \{resources.p.id\}/,
      },
    ],
    [
      "bare path placeholder without a resolve param",
      { client, resources: [{ name: "a", endpoint: "/x/{id}" }] },
      { path: "resources[0].endpoint", message: /placeholder \{id\} in the path has no value/ },
    ],
    [
      "oauth2 without a token URL",
      {
        client: { ...client, auth: { type: "oauth2", client_id: "a", client_secret: "b" } },
        resources: ["a"],
      },
      { path: "client.auth.token_url", message: /token endpoint URL/ },
    ],
    [
      "include_from_parent without a parent",
      { client, resources: [{ name: "a", include_from_parent: ["id"] }] },
      { path: "resources[0].include_from_parent", message: /no parent/ },
    ],
    [
      "strategy on a non-merge disposition",
      { client, resources: [{ name: "a", write_disposition: { disposition: "append", strategy: "scd2" } }] },
      { path: "resources[0].write_disposition.strategy", message: /merge only/ },
    ],
    [
      "processing steps are functions",
      { client, resources: [{ name: "a", processing_steps: [{ map: "x => x" }] }] },
      { path: "resources[0].processing_steps[0].map", message: /expected a function/ },
    ],
  ];
  it.each(cases)("%s", (_name, input, expected) => {
    const errors = errorsOf(input);
    const match = errors.find((e) => e.path === expected.path);
    expect(match, `no issue at ${expected.path}; got ${JSON.stringify(errors)}`).toBeDefined();
    expect(match!.message).toMatch(expected.message);
    if (expected.hint) expect(match!.hint).toMatch(expected.hint);
  });
});

describe("all errors at once", () => {
  it("reports every schema problem in one ConfigError", () => {
    const input = {
      client: { base_url: "https://x.example", auth: { type: "bearer", token: 5 }, paginatr: "auto" },
      resources: [
        { name: "a", endpoint: { paginator: { type: "ofset", limit: 1 } } },
        { name: "b", write_disposition: "merg" },
        { endpoint: "/c" },
      ],
    };
    let caught: unknown;
    try {
      validateConfig(input, { file: "api.yaml" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const err = caught as ConfigError;
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      [
        "client.auth.token",
        "client.paginatr",
        "resources[0].endpoint.paginator.type",
        "resources[1].write_disposition",
        "resources[2].name",
      ].sort(),
    );
    expect(err.message).toMatch(/^Invalid config in api\.yaml \(5 problems\):/);
    for (const issue of err.issues) expect(err.message).toContain(`api.yaml ${issue.path}`);
  });

  it("reports schema and reference problems together", () => {
    const errors = errorsOf({
      client: { base_url: "https://x.example", paginator: "ofset" },
      resources: [
        "a",
        { name: "b", endpoint: "/b/{resources.aa.id}" },
        { name: "c", endpoint: { method: "GOT" } },
      ],
    });
    expect(errors.map((e) => `${e.path}: ${e.hint}`)).toEqual([
      'client.paginator: did you mean "offset"?',
      'resources[1].endpoint: did you mean "a"?',
      'resources[2].endpoint.method: did you mean "GET"?',
    ]);
  });

  it("reports every semantic problem in one ConfigError", () => {
    const errors = errorsOf({
      client,
      resources: ["a", "a", { name: "b", endpoint: "/b/{resources.zz.id}" }, { name: "c", endpoint: "/{x}" }],
    });
    expect(errors).toHaveLength(3);
  });

  it("warns, without failing, on merge with no key", () => {
    const warnings: string[] = [];
    const config = validateConfig(
      {
        client,
        resource_defaults: { write_disposition: "merge" },
        resources: ["a", { name: "b", primary_key: "id" }],
      },
      { onWarning: (w) => warnings.push(`${w.path}: ${w.message}`) },
    );
    expect(config.resources).toHaveLength(2);
    expect(warnings).toEqual([expect.stringMatching(/^resources\[0\]: .*merge without primary_key/)]);
  });

  it("a null primary_key resets the default, and warns again", () => {
    const result = checkConfig({
      client,
      resource_defaults: { write_disposition: "merge", primary_key: "id" },
      resources: ["a", { name: "b", primary_key: null }],
    });
    expect(result.warnings.map((w) => w.path)).toEqual(["resources[1]"]);
  });
});

describe("the rules run once", () => {
  const input = {
    client,
    resource_defaults: { write_disposition: "merge" as const },
    resources: ["a"],
  };

  it("a config checkConfig accepted is taken as checked: no second run, no second warning", () => {
    const result = checkConfig(input);
    expect(result.warnings).toHaveLength(1);
    const again: string[] = [];
    const config = validateConfig(result.config, { onWarning: (w) => again.push(w.message) });
    expect(config).toBe(result.config);
    expect(again).toEqual([]);
  });

  it("a checked config changed afterwards is checked again", () => {
    const config = checkConfig(input).config!;
    config.resources.push({ name: "c", endpoint: { path: "/c/{resources.nowhere.id}" } });
    expect(() => validateConfig(config)).toThrow(/unknown parent resource "nowhere"/);
  });
});

describe("the input is never modified", () => {
  it("validates a deep-frozen config and returns an unshared copy", () => {
    const input = deepFreeze({
      client: { ...client, auth: { token: secrets.token } },
      resource_defaults: { endpoint: { params: { per_page: 10 }, json: { nested: { a: [1, 2] } } } },
      resources: ["a", { name: "b", endpoint: { path: "/b", json: { deep: { list: [{ x: 1 }] } } } }],
    });
    const before = JSON.stringify(input);
    const config = validateConfig(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(config).toEqual(input);
    expect(config).not.toBe(input);
    const b = config.resources[1];
    const json = typeof b === "object" && typeof b.endpoint === "object" ? b.endpoint.json : undefined;
    expect(json).toBeDefined();
    (json as { deep: { list: unknown[] } }).deep.list.push(2);
    expect(JSON.stringify(input)).toBe(before);
  });

  it("errors on a frozen config are reported, not thrown as TypeErrors", () => {
    const input = deepFreeze({ client, resources: [{ name: "a", bogus: true }] });
    expect(() => validateConfig(input)).toThrow(ConfigError);
  });
});

describe("functions in TypeScript configs", () => {
  it("accepts processing steps, response action functions and convert", () => {
    const config = validateConfig({
      client,
      resources: [
        {
          name: "a",
          processing_steps: [{ filter: (r: { id: number }) => r.id > 1 }, { map: (r: object) => r }],
          endpoint: {
            response_actions: [() => undefined],
            incremental: { cursor_path: "t", convert: (v: unknown) => v, last_value_func: "min" },
          },
        },
      ],
    });
    const r = config.resources[0];
    expect(typeof r === "object" && typeof r.processing_steps?.[0]?.filter).toBe("function");
  });

  it("rejects an empty processing step", () => {
    expect(errorsOf({ client, resources: [{ name: "a", processing_steps: [{}] }] })[0]).toMatchObject({
      path: "resources[0].processing_steps[0]",
    });
  });
});

describe("error text", () => {
  it("has no stack trace lines and masks values under secret-looking keys", () => {
    const err = (() => {
      try {
        validateConfig({
          client: { ...client, auth: { type: "api_key", api_key: 12345678 } },
          resources: ["a"],
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(err.message).toContain("client.auth.api_key: expected a string");
    const wrongType = (() => {
      try {
        validateConfig({
          client: { ...client, auth: { type: "http_basic", username: "u", password: ["hunter22"] } },
          resources: ["a"],
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error("expected a ConfigError");
    })();
    expect(wrongType.message).toContain("client.auth.password");
    expect(wrongType.message).toContain("hunter22"); // an array is not a secret string; shown to help the fix
    const masked = checkConfig({
      client: {
        ...client,
        auth: { type: "oauth2", client_id: "id", client_secret: "s3cr3t-value", token_url: "nope" },
      },
      resources: ["a"],
      zz: 1,
    });
    expect(JSON.stringify(masked.errors)).not.toContain("s3cr3t-value");
  });
});
