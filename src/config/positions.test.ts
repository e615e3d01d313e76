import { describe, expect, it } from "vitest";
import { formatIssue } from "../core/errors.js";
import { formatPath, jsonPositions, parseYamlWithPositions, tomlPositions } from "./positions.js";

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

describe("tomlPositions", () => {
  it("follows tables, array tables, dotted keys, inline tables and multi-line values", () => {
    const text = [
      "# comment [not.a.table]", // 1
      "[client]", // 2
      'base_url = "https://x.example" # trailing', // 3
      "auth = { type = 'bearer', token = \"t\" }", // 4
      "[[resources]]", // 5
      'name = "a"', // 6
      "[resources.endpoint]", // 7
      "params.per_page = 2", // 8
      "[[resources]]", // 9
      'name = """b', // 10
      '"""', // 11
      "list = [", // 12
      "  1, # one", // 13
      "  { x = 2 },", // 14
      "]", // 15
    ].join("\n");
    const p = tomlPositions(text);
    expect(p.get("client")).toEqual({ line: 2, column: 1 });
    expect(p.get("client.base_url")).toEqual({ line: 3, column: 12, key: { line: 3, column: 1 } });
    expect(p.get("client.auth.token")).toMatchObject({ line: 4, column: 35, key: { line: 4, column: 27 } });
    expect(p.get("resources[0]")).toEqual({ line: 5, column: 1 });
    expect(p.get("resources[0].name")).toMatchObject({ line: 6, column: 8 });
    expect(p.get("resources[0].endpoint")).toEqual({ line: 7, column: 1 });
    expect(p.get("resources[0].endpoint.params.per_page")).toMatchObject({
      line: 8,
      column: 19,
      key: { line: 8, column: 1 },
    });
    expect(p.get("resources[1]")).toEqual({ line: 9, column: 1 });
    expect(p.get("resources[1].list[1].x")).toMatchObject({ line: 14, column: 9 });
  });
});

describe("YAML syntax errors", () => {
  it("point at the offending key's column, with the fix", () => {
    const indent = parseYamlWithPositions(
      "client:\n  base_url: https://x\nresources:\n  - name: a\n    endpoint:\n      path: /a\n     paginator: single_page\n",
    );
    expect(indent.errors[0]).toMatchObject({
      line: 7,
      column: 6,
      hint: expect.stringMatching(/indent "paginator" exactly as far as the keys beside it \(now 5 spaces\)/),
    });
    const dup = parseYamlWithPositions("client:\n  base_url: https://x\n  base_url: https://y\n");
    expect(dup.errors[0]).toMatchObject({
      line: 3,
      column: 3,
      hint: expect.stringMatching(/second "base_url"/),
    });
    const open = parseYamlWithPositions("resources:\n  - endpoint: {path: /a\n");
    expect(open.errors[0]?.hint).toBe("close the { opened at line 2, column 15 with }");
  });

  it("print without a `<root>` path: the position says where", () => {
    expect(
      formatIssue({ path: "", message: "Map keys must be unique", file: "a.yaml", line: 3, column: 3 }),
    ).toBe("  - a.yaml:3:3 Map keys must be unique");
    expect(formatIssue({ path: "", message: "client is required" })).toBe("  - <root>: client is required");
  });
});
