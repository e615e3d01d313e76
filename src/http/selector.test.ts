import { describe, expect, it } from "vitest";
import {
  compileSelector,
  detectRecordPath,
  explainSelectorMiss,
  formatCandidates,
  recordListCandidates,
  selectorMissMessage,
  selectRecords,
} from "./selector.js";

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

describe("a data_selector that matches nothing", () => {
  const message = (body: unknown, path: string) => {
    const miss = explainSelectorMiss(body, path);
    return miss && selectorMissMessage(path, miss);
  };
  it("names the response's keys and the nearest candidate", () => {
    expect(message({ data: [{ id: 1 }], total: 1 }, "items")).toBe(
      'data_selector "items" matched nothing; the response has keys data, total: did you mean "data"?',
    );
    expect(message({ dta: [], total: 0 }, "$.data")).toContain('did you mean "dta"?');
    expect(message({ result: { list: [{ id: 1 }] } }, "result.lst")).toBe(
      'data_selector "result.lst" matched nothing; "result" in the response has keys list: did you mean "result.list"?',
    );
    expect(message([{ id: 1 }], "data")).toBe(
      'data_selector "data" matched nothing; the response is a list of 1 item: did you mean "$"?',
    );
    expect(message("<html>", "data")).toBe(
      'data_selector "data" matched nothing; the response is text, not JSON',
    );
  });
  it("lists at most twenty keys", () => {
    const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
    expect(message(body, "zzzz")).toContain("… (30 in all)");
  });
  it("an empty list, an explicit null or an empty response is an empty page, not a miss", () => {
    expect(explainSelectorMiss({ data: [] }, "data")).toBeUndefined();
    expect(explainSelectorMiss({ data: null }, "data")).toBeUndefined();
    expect(explainSelectorMiss({ data: null }, "data.items")).toBeUndefined();
    expect(explainSelectorMiss({ items: [] }, "items[*].data")).toBeUndefined();
    expect(explainSelectorMiss({ items: [] }, "items.data")).toBeUndefined();
    expect(explainSelectorMiss({ items: [] }, "items[0]")).toBeUndefined();
    expect(explainSelectorMiss({}, "data")).toBeUndefined();
    expect(explainSelectorMiss(null, "data")).toBeUndefined();
    expect(explainSelectorMiss("", "data")).toBeUndefined();
    expect(explainSelectorMiss([], "data")).toBeUndefined();
  });
  it("a path that matches is no miss", () => {
    expect(explainSelectorMiss({ data: [{ id: 1 }] }, "data")).toBeUndefined();
    expect(explainSelectorMiss({ items: [{ data: { id: 1 } }] }, "items[*].data")).toBeUndefined();
  });
});

describe("candidate record lists for a selector that missed", () => {
  it("lists every list with its selector, object lists first and biggest first", () => {
    const body = {
      meta: { tags: ["a", "b", "c"], pages: [] },
      result: { items: [{ id: 1 }, { id: 2 }], extra: [{ x: 1 }] },
      mixed: [1, "a"],
    };
    expect(recordListCandidates(body)).toEqual([
      { path: "result.items", length: 2, items: "objects" },
      { path: "result.extra", length: 1, items: "objects" },
      { path: "meta.tags", length: 3, items: "strings" },
      { path: "mixed", length: 2, items: "mixed values" },
      { path: "meta.pages", length: 0, items: "nothing" },
    ]);
    expect(recordListCandidates([{ id: 1 }])).toEqual([{ path: "$", length: 1, items: "objects" }]);
    expect(formatCandidates(recordListCandidates(body, 2))).toBe(
      "result.items (2 objects), result.extra (1 objects)",
    );
  });
});
