import { describe, expect, it } from "vitest";
import { coerce, inferType, NO_FIT, parseTimestamp } from "./infer.js";

describe("inferType", () => {
  it.each([
    [1, "bigint"],
    [2 ** 40, "bigint"],
    [-7, "bigint"],
    [1.5, "double"],
    [true, "bool"],
    ["hello", "text"],
    ["12345", "text"],
    ["1.5", "text"],
    ["2024-05-01T10:00:00Z", "timestamp"],
    ["2024-05-01T10:00:00.123456Z", "timestamp"],
    ["2024-05-01T10:00:00+02:00", "timestamp"],
    ["2024-05-01 10:00:00-0530", "timestamp"],
    ["2024-05-01T10:00Z", "timestamp"],
    ["2024-05-01T10:00:00", "text"],
    ["2024-05-01", "date"],
    ["2024-02-29", "date"],
    ["2023-02-29", "text"],
    ["2024-13-01", "text"],
    ["2024-05-01T25:00:00Z", "text"],
    ["20240501", "text"],
    [{ a: 1 }, "json"],
    [[1, 2], "json"],
    [new Date(0), "timestamp"],
  ])("%j → %s", (value, expected) => {
    expect(inferType(value)).toBe(expected);
  });

  it("types JS bigints by range", () => {
    expect(inferType(5n)).toBe("bigint");
    expect(inferType(2n ** 62n)).toBe("bigint");
    expect(inferType(2n ** 70n)).toBe("decimal");
  });

  it("gives no type to null and undefined", () => {
    expect(inferType(null)).toBeNull();
    expect(inferType(undefined)).toBeNull();
  });
});

describe("parseTimestamp", () => {
  it("normalizes to UTC and keeps fractional digits", () => {
    expect(parseTimestamp("2024-05-01T10:00:00+02:00")).toBe("2024-05-01T08:00:00Z");
    expect(parseTimestamp("2024-05-01T10:00:00.123456-01:30")).toBe("2024-05-01T11:30:00.123456Z");
    expect(parseTimestamp("2024-12-31T23:30:00-01:00")).toBe("2025-01-01T00:30:00Z");
    expect(parseTimestamp("2024-05-01t10:00:00z")).toBe("2024-05-01T10:00:00Z");
    expect(parseTimestamp("2024-05-01T10:00:00.5Z")).toBe("2024-05-01T10:00:00.5Z");
    expect(parseTimestamp("2024-05-01T10:00:00.123456789Z")).toBe("2024-05-01T10:00:00.123456Z");
  });

  it("rejects strings that are not timestamps with a zone", () => {
    expect(parseTimestamp("2024-05-01T10:00:00")).toBeNull();
    expect(parseTimestamp("2024-02-30T10:00:00Z")).toBeNull();
    expect(parseTimestamp("not a timestamp at all")).toBeNull();
  });
});

describe("coerce", () => {
  it("fits compatible values and refuses the rest", () => {
    expect(coerce(3, "double")).toBe(3);
    expect(coerce(1.5, "bigint")).toBe(NO_FIT);
    expect(coerce("12", "bigint")).toBe(12);
    expect(coerce("abc", "bigint")).toBe(NO_FIT);
    expect(coerce("1.25", "double")).toBe(1.25);
    expect(coerce(5, "text")).toBe("5");
    expect(coerce(true, "text")).toBe("true");
    expect(coerce({ a: 1 }, "text")).toBe('{"a":1}');
    expect(coerce("yes", "bool")).toBe(NO_FIT);
    expect(coerce("true", "bool")).toBe(true);
    expect(coerce(0, "timestamp")).toBe("1970-01-01T00:00:00.000Z");
    expect(coerce("2024-05-01", "timestamp")).toBe("2024-05-01T00:00:00Z");
    expect(coerce("soon", "timestamp")).toBe(NO_FIT);
    expect(coerce("2024-05-01T10:00:00Z", "date")).toBe(NO_FIT);
    expect(coerce(12.5, "decimal")).toBe("12.5");
    expect(coerce(2n ** 70n, "decimal")).toBe("1180591620717411303424");
    expect(coerce(2n ** 60n, "bigint")).toBe("1152921504606846976");
    expect(coerce(7n, "bigint")).toBe(7);
    expect(coerce({ a: [1] }, "json")).toEqual({ a: [1] });
  });
});
