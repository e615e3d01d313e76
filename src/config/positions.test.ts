import { describe, expect, it } from "vitest";
import { formatPath, jsonPositions, parseYamlWithPositions } from "./positions.js";

describe("formatPath", () => {
  it("writes dotted keys, indexes and quoted odd keys", () => {
    expect(formatPath(["resources", 2, "endpoint", "paginator", "type"])).toBe(
      "resources[2].endpoint.paginator.type",
    );
    expect(formatPath(["client", "headers", "X-Api-Key"])).toBe('client.headers["X-Api-Key"]');
    expect(formatPath([])).toBe("");
    expect(formatPath(["$schema"])).toBe("$schema");
  });
});

describe("jsonPositions", () => {
  it("finds values and keys past comments, escapes, odd numbers and trailing commas", () => {
    const text = [
      "/* {not: 'a key'} */ {", // 1
      "  // a: {b: 1}", // 2
      '  "q\\"uote": "a \\" } ]", n: +.5e3, h: 0x1F, inf: -Infinity,', // 3
      "  'single': 'it\\'s', list: [1, /* c */ {deep: [true, null,],},],", // 4
      "  last: `x`", // 5
      "}", // 6
    ].join("\n");
    const p = jsonPositions(text);
    expect(p.get("")).toEqual({ line: 1, column: 22 });
    expect(p.get('["q\\"uote"]')).toEqual({ line: 3, column: 14, key: { line: 3, column: 3 } });
    expect(p.get("n")).toMatchObject({ line: 3, column: 29 });
    expect(p.get("h")).toMatchObject({ line: 3, column: 39 });
    expect(p.get("inf")).toMatchObject({ line: 3, column: 50 });
    expect(p.get("single")).toMatchObject({ line: 4, column: 13, key: { line: 4, column: 3 } });
    expect(p.get("list[1].deep[1]")).toMatchObject({ line: 4, column: 54 });
    expect(p.get("last")).toMatchObject({ line: 5, column: 9 });
  });
});

describe("parseYamlWithPositions", () => {
  it("records values and keys, 1-based", () => {
    const { value, positions, errors } = parseYamlWithPositions("a:\n  - x\n  - {b: 1}\nc: 'd'\n");
    expect(errors).toEqual([]);
    expect(value).toEqual({ a: ["x", { b: 1 }], c: "d" });
    expect(positions.get("a[1].b")).toEqual({ line: 3, column: 9, key: { line: 3, column: 6 } });
    expect(positions.get("c")).toEqual({ line: 4, column: 4, key: { line: 4, column: 1 } });
  });

  it("returns syntax errors with their position instead of throwing", () => {
    const { value, errors } = parseYamlWithPositions("a: 1\na: 2\n");
    expect(value).toBeUndefined();
    expect(errors[0]).toMatchObject({ message: "Map keys must be unique", line: 2, column: 1 });
  });
});
