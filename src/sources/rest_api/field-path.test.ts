import { describe, expect, it } from "vitest";
import { pathKeys, readKeys, readPath } from "./field-path.js";

describe("record field paths", () => {
  it("splits dotted keys, [n] indexes and a leading $.", () => {
    expect(pathKeys("$.a.b[0].c")).toEqual(["a", "b", "0", "c"]);
    expect(pathKeys("a..b")).toEqual(["a", "b"]);
  });

  it("tells an absent field from one that holds null, and reads own keys only", () => {
    expect(readPath({ a: null }, "a")).toEqual({ found: true, value: null });
    expect(readPath({ a: {} }, "a.b")).toEqual({ found: false, value: undefined });
    expect(readPath({}, "constructor").found).toBe(false);
    expect(readKeys([10, 20], ["1"])).toEqual({ found: true, value: 20 });
  });
});
