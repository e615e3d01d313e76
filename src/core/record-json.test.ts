import { describe, expect, it } from "vitest";
import { recordToJson } from "./record-json.js";

describe("recordToJson", () => {
  it("writes bigints as digits", () => {
    expect(recordToJson({ id: 12345678901234567891n })).toBe('{"id":12345678901234567891}');
  });
  it("writes a lone surrogate as U+FFFD (DuckDB refuses the escape); pairs and escaped backslashes stay", () => {
    expect(recordToJson({ s: "a\ud800b" })).toBe('{"s":"a\\ufffdb"}');
    expect(recordToJson({ "k\udc00": ["\ud800\ud800", 1n] })).toBe('{"k\\ufffd":["\\ufffd\\ufffd",1]}');
    expect(recordToJson({ s: "\\ud800" })).toBe('{"s":"\\\\ud800"}');
    expect(recordToJson({ s: "\u{1F600}" })).toBe('{"s":"\u{1F600}"}');
    expect(JSON.parse(recordToJson({ s: "x\\\ud800" }))).toEqual({ s: "x\\\ufffd" });
  });
});
