import { describe, expect, it } from "vitest";
import { copyLineBuilder, escapeCopyText } from "./postgres-copy-format.js";

describe("COPY text format", () => {
  it("escapes backslashes, tabs, newlines and carriage returns, and drops NUL", () => {
    expect(escapeCopyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(escapeCopyText(`x${String.fromCharCode(0)}y`)).toBe("xy");
    expect(escapeCopyText('plain "quoted" ; text')).toBe('plain "quoted" ; text');
  });

  it("writes NULL as \\N and keeps the literal string \\N distinct", () => {
    const line = copyLineBuilder([
      { name: "a", data_type: "text" },
      { name: "b", data_type: "text" },
    ]);
    expect(line({ a: null, b: "\\N" })).toBe("\\N\t\\\\N\n");
    expect(line({})).toBe("\\N\t\\N\n");
  });

  it("formats each type the way PostgreSQL parses it", () => {
    const line = copyLineBuilder([
      { name: "i", data_type: "bigint" },
      { name: "f", data_type: "double" },
      { name: "b", data_type: "bool" },
      { name: "j", data_type: "json" },
      { name: "t", data_type: "timestamp" },
      { name: "d", data_type: "decimal" },
    ]);
    expect(line({ i: 12, f: 1.5, b: false, j: { k: "x\ty" }, t: "2024-01-01T00:00:00Z", d: "1.10" })).toBe(
      '12\t1.5\tf\t{"k":"x\\\\ty"}\t2024-01-01T00:00:00Z\t1.10\n',
    );
  });

  it("strips NUL inside JSON strings without touching an escaped backslash-u sequence", () => {
    const line = copyLineBuilder([{ name: "j", data_type: "json" }]);
    expect(line({ j: { a: `x${String.fromCharCode(0)}y`, b: "\\u0000" } })).toBe(
      '{"a":"xy","b":"\\\\\\\\u0000"}\n',
    );
  });
});
