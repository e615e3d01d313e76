import { describe, expect, it } from "vitest";
import { mergeEndpoint, withoutNulls } from "./endpoint-merge.js";

describe("mergeEndpoint: resource_defaults.endpoint under a resource's endpoint", () => {
  const defaults = {
    path: "/items",
    params: { limit: 10, since: "x" },
    json: { q: 1 },
    headers: { A: "1" },
    error_handler: { max_attempts: 3, backoff_factor: 1 },
  };

  it("lets the resource's keys win, merging params, json and error_handler one level deep", () => {
    const { endpoint } = mergeEndpoint(defaults, {
      params: { since: null, page: 1 },
      json: { r: 2 },
      headers: { B: "2" },
      error_handler: { max_attempts: 5 },
    });
    expect(endpoint).toEqual({
      path: "/items",
      params: { limit: 10, page: 1 },
      json: { q: 1, r: 2 },
      headers: { B: "2" },
      error_handler: { max_attempts: 5, backoff_factor: 1 },
    });
  });

  it("reads an endpoint string as its path, and a null as the default removed", () => {
    expect(mergeEndpoint(defaults, "/own").endpoint.path).toBe("/own");
    expect(mergeEndpoint(defaults, { json: null }).endpoint.json).toBeUndefined();
    expect(mergeEndpoint(undefined, undefined).endpoint).toEqual({});
  });

  it("says who wrote each kept value, key by key inside params and json", () => {
    const { ownValue } = mergeEndpoint(defaults, { params: { page: 1 }, headers: { B: "2" } });
    expect(ownValue("path")).toBe(false);
    expect(ownValue("headers")).toBe(true);
    expect(ownValue("params", "page")).toBe(true);
    expect(ownValue("params", "limit")).toBe(false);
    expect(ownValue("json", "q")).toBe(false);
    // the resource's params replace non-object defaults whole
    expect(mergeEndpoint({ params: "x" }, { params: { a: 1 } }).ownValue("params", "a")).toBe(true);
  });

  it("never changes its inputs", () => {
    const own = { params: { a: null } };
    const before = JSON.stringify([defaults, own]);
    mergeEndpoint(defaults, own);
    expect(JSON.stringify([defaults, own])).toBe(before);
  });

  it("withoutNulls drops null and undefined values only", () => {
    expect(withoutNulls({ a: null, b: undefined, c: 0, d: "", e: false })).toEqual({ c: 0, d: "", e: false });
  });
});
