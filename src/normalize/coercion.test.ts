import { describe, expect, it } from "vitest";
import { NO_FIT } from "../schema/infer.js";
import type { ColumnSchema, DataType } from "../schema/types.js";
import { convertValue, fitsDecimal, fitVariant, NOT_INT64, newColumn, SKIP } from "./coercion.js";

const col = (data_type: DataType, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name: "c",
  data_type,
  nullable: true,
  ...extra,
});

describe("convertValue", () => {
  it("converts what converts without loss", () => {
    expect(convertValue(col("text"), 12)).toBe("12");
    expect(convertValue(col("text"), true)).toBe("true");
    expect(convertValue(col("bigint"), "42")).toBe(42);
    expect(convertValue(col("bigint"), 2 ** 60)).toBe(2 ** 60);
    expect(convertValue(col("double"), "2.5")).toBe(2.5);
    expect(convertValue(col("decimal"), 12.5)).toBe("12.5");
    expect(convertValue(col("timestamp"), "2024-05-01")).toBe("2024-05-01T00:00:00Z");
    expect(convertValue(col("json"), { a: 1 })).toEqual({ a: 1 });
  });

  it("says why when there is no value to store", () => {
    expect(convertValue(col("bigint"), "n/a")).toBe(NO_FIT);
    expect(convertValue(col("timestamp"), "tomorrow")).toBe(NO_FIT);
    expect(convertValue(col("bool"), "yes")).toBe(NO_FIT);
    expect(convertValue(col("decimal", { precision: 38, scale: 0 }), 4.5)).toBe(NO_FIT);
    expect(convertValue(col("bigint"), 4.5)).toBe(NOT_INT64);
    expect(convertValue(col("bigint"), 1e20)).toBe(NOT_INT64);
    for (const type of ["bigint", "double", "text"] as const) {
      expect(convertValue(col(type), Number.NaN)).toBe(SKIP);
      expect(convertValue(col(type), Number.NEGATIVE_INFINITY)).toBe(SKIP);
    }
  });
});

describe("fitVariant", () => {
  it("stores values of the variant's type as they are and converts the rest", () => {
    expect(fitVariant(col("text"), "text", "x")).toBe("x");
    expect(fitVariant(col("double"), "double", 4.5)).toBe(4.5);
    expect(fitVariant(col("timestamp"), "timestamp", "2024-05-01T10:00:00+02:00")).toBe(
      "2024-05-01T08:00:00Z",
    );
    expect(fitVariant(col("decimal"), "decimal", 12345678901234567890n)).toBe("12345678901234567890");
  });
});

describe("newColumn", () => {
  it("makes nullable inferred columns; a decimal from a bigint holds integers only", () => {
    expect(newColumn("a", "text", "x", false)).toEqual({ name: "a", data_type: "text", nullable: true });
    expect(newColumn("a__v_text", "text", "x", true)).toMatchObject({ variant: true });
    expect(newColumn("d", "decimal", 10n ** 20n, false)).toMatchObject({ precision: 38, scale: 0 });
    expect(newColumn("d", "decimal", "1.5", false).precision).toBeUndefined();
  });
});

describe("fitsDecimal", () => {
  it("checks integer digits of exact integers and fractions of integer-only decimals", () => {
    expect(fitsDecimal(10n ** 28n, col("decimal"))).toBe(true);
    expect(fitsDecimal(10n ** 29n, col("decimal"))).toBe(false);
    expect(fitsDecimal(4.5, col("decimal", { precision: 38, scale: 0 }))).toBe(false);
    expect(fitsDecimal(4, col("decimal", { precision: 38, scale: 0 }))).toBe(true);
    expect(fitsDecimal("1.5", col("decimal"))).toBe(true);
  });
});
