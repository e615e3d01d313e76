import { describe, expect, it } from "vitest";
import { compilePath, findAll, getPath, JsonPathError, setPath } from "./json-path.js";
import { compileSelector, detectRecordPath, selectRecords } from "./selector.js";

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

describe("data_selector", () => {
  it("selects the common shapes", () => {
    expect(selectRecords({ data: [{ id: 1 }] }, "data")).toEqual([{ id: 1 }]);
    expect(selectRecords({ data: [{ id: 1 }] }, "$.data")).toEqual([{ id: 1 }]);
    expect(selectRecords({ result: { list: [{ id: 2 }] } }, "result.list")).toEqual([{ id: 2 }]);
    const items = { items: [{ data: { id: 1 } }, { data: { id: 2 } }] };
    expect(selectRecords(items, "items.*.data")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords(items, "items[*].data")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(selectRecords([{ id: 1 }, { id: 2 }], "$")).toEqual([{ id: 1 }, { id: 2 }]);
  });
  it("returns the list itself, not a copy", () => {
    const data = [{ id: 1 }];
    expect(compileSelector("data")({ data })).toBe(data);
  });
  it("a single object is one record; missing is none; scalars are wrapped", () => {
    expect(selectRecords({ data: { id: 1 } }, "data")).toEqual([{ id: 1 }]);
    expect(selectRecords({ other: 1 }, "data")).toEqual([]);
    expect(selectRecords({ data: null }, "data")).toEqual([]);
    expect(selectRecords({ data: ["a", "b"] }, "data")).toEqual([{ value: "a" }, { value: "b" }]);
    expect(selectRecords({ items: [{ data: [{ id: 1 }] }, { data: [{ id: 2 }] }] }, "items[*].data")).toEqual(
      [{ id: 1 }, { id: 2 }],
    );
  });
});

describe("record detection (no data_selector)", () => {
  it("follows dlt's rules", () => {
    expect(detectRecordPath([{ id: 1 }])).toBe("$");
    expect(detectRecordPath({ count: 2, results: [{ id: 1 }] })).toBe("$.results");
    expect(detectRecordPath({ meta: { tags: [1, 2, 3] }, data: [] })).toBe("$.data");
    expect(detectRecordPath({ response: { payload: { records: [] } } })).toBe("$.response.payload.records");
    expect(detectRecordPath({ users: [{ a: 1 }, { a: 2 }], tags: ["x"] })).toBe("$.users");
    expect(detectRecordPath({ id: 7, name: "single" })).toBe("$");
    expect(detectRecordPath({ a: { b: { c: { items: [] } } } })).toBe("$");
  });
  it("a dict without lists is one record", () => {
    expect(selectRecords({ id: 7 })).toEqual([{ id: 7 }]);
    expect(selectRecords({ errors: ["x"], data: [{ id: 1 }] })).toEqual([{ id: 1 }]);
  });
});
