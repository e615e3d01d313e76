import { describe, expect, it } from "vitest";
import { NO_FIT } from "../schema/infer.js";
import type { ColumnSchema, DataType } from "../schema/types.js";
import { fitColumn, fitsDecimal, fitVariant, NOT_INT64, newColumn, SKIP } from "./coercion.js";

const col = (data_type: DataType, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name: "c",
  data_type,
  nullable: true,
  ...extra,
});

describe("fitColumn", () => {
  it("stores values of the column's own type as they are", () => {
    expect(fitColumn(col("text"), "a")).toBe("a");
    expect(fitColumn(col("bigint"), 7)).toBe(7);
    expect(fitColumn(col("double"), 1.5)).toBe(1.5);
    expect(fitColumn(col("bool"), false)).toBe(false);
    expect(fitColumn(col("date"), "2024-05-01")).toBe("2024-05-01");
    expect(fitColumn(col("json"), { a: 1 })).toEqual({ a: 1 });
  });

  it("normalizes timestamps to UTC and coerces what converts without loss", () => {
    expect(fitColumn(col("timestamp"), "2024-05-01T10:00:00+02:00")).toBe("2024-05-01T08:00:00Z");
    expect(fitColumn(col("text"), 12)).toBe("12");
    expect(fitColumn(col("double"), 2)).toBe(2);
    expect(fitColumn(col("decimal"), 12.5)).toBe("12.5");
    expect(fitColumn(col("bigint"), 2 ** 60)).toBe(2 ** 60);
  });

  it("marks values that need a variant, a wider column or no column", () => {
    expect(fitColumn(col("bigint"), "n/a")).toBe(NO_FIT);
    expect(fitColumn(col("timestamp"), "tomorrow")).toBe(NO_FIT);
    expect(fitColumn(col("decimal", { precision: 38, scale: 0 }), 4.5)).toBe(NO_FIT);
    expect(fitColumn(col("bigint"), 4.5)).toBe(NOT_INT64);
    expect(fitColumn(col("bigint"), 1e20)).toBe(NOT_INT64);
    expect(fitColumn(col("bigint"), Number.NaN)).toBe(SKIP);
    expect(fitColumn(col("double"), Number.POSITIVE_INFINITY)).toBe(SKIP);
    expect(fitColumn(col("text"), Number.NEGATIVE_INFINITY)).toBe(SKIP);
  });
});

describe("fitVariant", () => {
  it("stores values of the variant's type as they are and coerces the rest", () => {
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
