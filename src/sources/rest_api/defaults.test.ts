import { describe, expect, it } from "vitest";
import type { EndpointResource, ResourceDefaults } from "./config-types.js";
import { effectivePaginator, effectiveRetry, mergeResource } from "./defaults.js";

describe("resource_defaults merge (dlt semantics)", () => {
  it("expands a bare string into {name, endpoint: {path: name}}", () => {
    const r = mergeResource("pokemon", undefined, 0);
    expect(r.name).toBe("pokemon");
    expect(r.endpoint.path).toBe("pokemon");
    expect(r.index).toBe(0);
  });

  it("treats an endpoint string as its path and defaults the path to the resource name", () => {
    expect(mergeResource({ name: "a", endpoint: "v1/items" }, undefined, 0).endpoint.path).toBe("v1/items");
    expect(mergeResource({ name: "users" }, undefined, 0).endpoint.path).toBe("users");
  });

  it("merges params and json one level deep, other keys override", () => {
    const defaults: ResourceDefaults = {
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        params: { per_page: 2, sort: "asc" },
        json: { filter: { a: 1 }, limit: 10 },
        data_selector: "data",
        headers: { "X-A": "1" },
      },
    };
    const res: EndpointResource = {
      name: "r",
      write_disposition: "append",
      endpoint: {
        path: "/v1/resource",
        params: { sort: "desc" },
        json: { filter: { b: 2 } },
        headers: { "X-B": "2" },
      },
    };
    const m = mergeResource(res, defaults, 3);
    expect(m.primary_key).toBe("id");
    expect(m.write_disposition).toBe("append");
    expect(m.endpoint.params).toEqual({ per_page: 2, sort: "desc" });
    // one level deep only: nested objects replace, not merge
    expect(m.endpoint.json).toEqual({ filter: { b: 2 }, limit: 10 });
    expect(m.endpoint.data_selector).toBe("data");
    // headers are not deep-merged in dlt
    expect(m.endpoint.headers).toEqual({ "X-B": "2" });
  });

  it("a string resource also receives the defaults (seed 002: default params)", () => {
    const m = mergeResource("items", { endpoint: { params: { per_page: 2 } }, primary_key: "id" }, 0);
    expect(m.endpoint).toEqual({ path: "items", params: { per_page: 2 } });
    expect(m.primary_key).toBe("id");
  });

  it("null in a resource resets a default (resource key, endpoint key, param)", () => {
    const defaults: ResourceDefaults = {
      primary_key: "id",
      write_disposition: "merge",
      endpoint: {
        params: { per_page: 2, since: "x" },
        data_selector: "data",
        paginator: { type: "single_page" },
      },
    };
    const m = mergeResource(
      {
        name: "r",
        primary_key: null,
        endpoint: { params: { since: null }, data_selector: null, paginator: null },
      },
      defaults,
      0,
    );
    expect(m.primary_key).toBeUndefined();
    expect("primary_key" in m).toBe(false);
    expect(m.write_disposition).toBe("merge");
    expect(m.endpoint.params).toEqual({ per_page: 2 });
    expect("data_selector" in m.endpoint).toBe(false);
    expect("paginator" in m.endpoint).toBe(false);
  });

  it("merges dlt column maps per column, hint by hint", () => {
    const m = mergeResource(
      { name: "r", columns: { a: { nullable: false }, b: { data_type: "text" } } },
      { columns: { a: { data_type: "bigint" }, c: { data_type: "bool" } } },
      0,
    );
    expect(m.columns).toEqual({
      a: { data_type: "bigint", nullable: false },
      b: { data_type: "text" },
      c: { data_type: "bool" },
    });
  });

  it("never mutates the input config", () => {
    const defaults: ResourceDefaults = { endpoint: { params: { a: 1 } }, primary_key: "id" };
    const res: EndpointResource = { name: "r", endpoint: { params: { b: null } } };
    const before = JSON.stringify({ defaults, res });
    Object.freeze(defaults);
    Object.freeze(res);
    mergeResource(res, defaults, 0);
    mergeResource("s", defaults, 1);
    expect(JSON.stringify({ defaults, res })).toBe(before);
  });
});

describe("paginator precedence", () => {
  const client = { base_url: "http://x", paginator: { type: "header_link" as const } };
  it("endpoint beats resource_defaults beats client", () => {
    const defaults: ResourceDefaults = { endpoint: { paginator: { type: "offset", limit: 10 } } };
    const own = mergeResource({ name: "a", endpoint: { paginator: "single_page" } }, defaults, 0);
    expect(effectivePaginator(own.endpoint, client)).toEqual({ type: "single_page" });
    const fromDefaults = mergeResource({ name: "b" }, defaults, 0);
    expect(effectivePaginator(fromDefaults.endpoint, client)).toEqual({ type: "offset", limit: 10 });
    const fromClient = mergeResource({ name: "c" }, undefined, 0);
    expect(effectivePaginator(fromClient.endpoint, client)).toEqual({ type: "header_link" });
  });
  it("null on the endpoint falls back to the client's paginator", () => {
    const m = mergeResource(
      { name: "a", endpoint: { paginator: null } },
      { endpoint: { paginator: { type: "offset", limit: 5 } } },
      0,
    );
    expect(effectivePaginator(m.endpoint, client)).toEqual({ type: "header_link" });
    expect(effectivePaginator(m.endpoint, { base_url: "http://x" })).toBeUndefined();
  });
});

describe("error_handler (retry policy) precedence", () => {
  it("merges client, resource_defaults.endpoint and endpoint knob by knob", () => {
    const m = mergeResource(
      { name: "a", endpoint: { error_handler: { max_retries: 7 } } },
      { endpoint: { error_handler: { backoff_factor: 0.01, max_retries: 1 } } },
      0,
    );
    const retry = effectiveRetry(m, {
      base_url: "http://x",
      error_handler: { retry_on_status_codes: [500], max_retries: 3, backoff_factor: 2 },
    });
    expect(retry).toEqual({ retry_on_status_codes: [500], max_retries: 7, backoff_factor: 0.01 });
  });
  it("is undefined when nobody sets one", () => {
    expect(effectiveRetry(mergeResource("a", undefined, 0), { base_url: "http://x" })).toBeUndefined();
  });
});
