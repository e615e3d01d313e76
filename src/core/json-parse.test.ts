import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mayHoldUnsafeInteger, parseJson, parseJsonExact } from "./json-parse.js";
import { recordToJson } from "./record-json.js";

describe("parseJson", () => {
  it("keeps integers beyond 2^53 exact, as bigint", () => {
    const v = parseJson('{"data":[{"id":1234567890123456789},{"id":1234567890123456791}]}') as {
      data: { id: unknown }[];
    };
    expect(v.data.map((r) => r.id)).toEqual([1234567890123456789n, 1234567890123456791n]);
    expect(parseJson("[-9223372036854775808, 12345678901234567890]")).toEqual([
      -9223372036854775808n,
      12345678901234567890n,
    ]);
  });

  it("gives numbers for safe integers and floats, even long ones", () => {
    expect(
      parseJson("[9007199254740991, 9007199254740992, 1234567890123456.5, 1e25, 0.12345678901234568]"),
    ).toEqual([9007199254740991, 9007199254740992n, 1234567890123456.5, 1e25, 0.12345678901234568]);
  });

  it("takes the native path when no long digit run can be a number", () => {
    expect(
      mayHoldUnsafeInteger('{"id":123456789012345,"s":"1234567890123456789","t":"a.12345678901234567"}'),
    ).toBe(false);
    expect(mayHoldUnsafeInteger('{"id": 1234567890123456789}')).toBe(true);
    expect(mayHoldUnsafeInteger("[-1234567890123456789]")).toBe(true);
    expect(mayHoldUnsafeInteger("1234567890123456789")).toBe(true);
    for (let offset = 0; offset < 40; offset++)
      expect(mayHoldUnsafeInteger(`[${" ".repeat(offset)}${"9".repeat(16)}]`)).toBe(true);
  });

  it("a long digit run inside a string stays a string", () => {
    expect(parseJsonExact('{"a":"x: 12345678901234567890","b":12345678901234567890}')).toEqual({
      a: "x: 12345678901234567890",
      b: 12345678901234567890n,
    });
  });

  it("equals JSON.parse on any JSON, but for the digits JSON.parse rounds away", () => {
    const rounded = (v: unknown): unknown => {
      if (typeof v === "bigint") {
        expect(Number.isSafeInteger(Number(v))).toBe(false);
        return Number(v);
      }
      if (Array.isArray(v)) return v.map(rounded);
      if (typeof v === "object" && v !== null)
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
      return v;
    };
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
        const expected = JSON.parse(text) as unknown;
        expect(rounded(parseJsonExact(text))).toStrictEqual(expected);
        expect(rounded(parseJson(text))).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("spells short integers as JSON.parse does, signs and zeros included", () => {
    const text = "[-0, 0, -5, 7, 123456789012345, -123456789012345, 10, 1.0, -0.0, 2e3]";
    const exact = parseJsonExact(text) as number[];
    expect(exact).toStrictEqual(JSON.parse(text));
    expect(Object.is(exact[0], -0)).toBe(true);
  });

  it("makes __proto__ an own property, as JSON.parse does", () => {
    const v = parseJsonExact('{"__proto__":{"polluted":1},"n":12345678901234567890}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("decodes escapes like JSON.parse", () => {
    const text = '{"k\\"ey":"a\\u00e9\\n\\\\\\"b","n":12345678901234567890}';
    expect(parseJsonExact(text)).toEqual({ 'k"ey': 'aé\n\\"b', n: 12345678901234567890n });
  });

  it("refuses what JSON.parse refuses", () => {
    for (const bad of [
      "",
      "[1,]",
      "{,}",
      '{"a":1,}',
      "01",
      "1.",
      "-",
      "1e",
      ".5",
      "[1 2]",
      '"abc',
      '"a\nb"',
      "tru",
      "nul",
      "[12345678901234567890",
      "12345678901234567890 x",
      "<html>12345678901234567890</html>",
      "NaN",
    ]) {
      expect(() => JSON.parse(bad), bad).toThrow(SyntaxError);
      expect(() => parseJsonExact(bad), bad).toThrow(SyntaxError);
    }
  });
});

describe("recordToJson", () => {
  it("writes bigints as their digits, at any depth", () => {
    const text = recordToJson({
      id: 1234567890123456789n,
      nested: { list: [12345678901234567890n, 1] },
      s: "x",
    });
    expect(text).toBe('{"id":1234567890123456789,"nested":{"list":[12345678901234567890,1]},"s":"x"}');
    expect(parseJson(text)).toEqual({
      id: 1234567890123456789n,
      nested: { list: [12345678901234567890n, 1] },
      s: "x",
    });
  });

  it("matches JSON.stringify otherwise (dates, undefined, nulls in lists)", () => {
    const d = new Date("2024-01-02T03:04:05.000Z");
    const v = { a: undefined, b: [undefined, d, null], n: 1n, c: { toJSON: () => "t" } };
    expect(recordToJson(v)).toBe('{"b":[null,"2024-01-02T03:04:05.000Z",null],"n":1,"c":"t"}');
  });
});
