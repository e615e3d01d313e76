import { describe, expect, it } from "vitest";
import { compilePath, findAll, getPath, JsonPathError, setPath } from "./json-path.js";

describe("json path subset", () => {
  const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, "odd key": 5, list: [1, 2, 3] };
  it("reads dotted, $, wildcards, indexes and quoted keys", () => {
    expect(getPath(doc, "a.b[1].c")).toBe(2);
    expect(getPath(doc, "$.a.b[0].c")).toBe(1);
    expect(findAll(doc, "a.b[*].c")).toEqual([1, 2]);
    expect(findAll(doc, "a.b.*.c")).toEqual([1, 2]);
    expect(getPath(doc, "$['odd key']")).toBe(5);
    expect(getPath(doc, "list[-1]")).toBe(3);
    expect(findAll(doc, "$")).toEqual([doc]);
    expect(getPath(doc, "a.missing.x")).toBeUndefined();
    expect(getPath(null, "a")).toBeUndefined();
  });
  it("rejects what it does not support, with a hint", () => {
    expect(() => compilePath("$..c")).toThrow(JsonPathError);
    expect(() => compilePath("a[?(@.x)]")).toThrow(/Unsupported JSONPath/);
  });
  it("sets nested body paths", () => {
    const body: Record<string, unknown> = { keep: 1 };
    setPath(body, "page.offset", 10);
    expect(body).toEqual({ keep: 1, page: { offset: 10 } });
  });
});
