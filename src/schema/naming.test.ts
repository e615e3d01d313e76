import { describe, expect, it } from "vitest";
import { normalizeIdentifier, normalizePath, normalizeTableName, shortenIdentifier } from "./naming.js";

describe("normalizeIdentifier", () => {
  it.each([
    ["businessName", "business_name"],
    ["HTTPServer", "http_server"],
    ["userID", "user_id"],
    ["already_snake", "already_snake"],
    ["first name", "first_name"],
    ["e-mail", "e_mail"],
    ["properties.country", "properties_country"],
    ["  padded  ", "padded"],
    ["a__b", "a_b"],
    ["trailing_", "trailingx"],
    ["c++", "cxx"],
    ["user@host", "userahost"],
    ["Inventory Nr", "inventory_nr"],
    ["ABC", "abc"],
  ])("%s → %s", (raw, expected) => {
    expect(normalizeIdentifier(raw)).toBe(expected);
  });

  it("prefixes leading digits with an underscore", () => {
    expect(normalizeIdentifier("1st")).toBe("_1st");
    expect(normalizeIdentifier("2024")).toBe("_2024");
  });

  it("maps empty and blank keys to _empty", () => {
    expect(normalizeIdentifier("")).toBe("_empty");
    expect(normalizeIdentifier("   ")).toBe("_empty");
  });

  it("keeps unicode letters, lower-cased, consistently", () => {
    expect(normalizeIdentifier("Größe")).toBe("größe");
    expect(normalizeIdentifier("größe")).toBe("größe");
    expect(normalizeIdentifier("日本語 キー")).toBe("日本語_キー");
    expect(normalizeIdentifier("ÉtéCourt")).toBe("été_court");
    expect(normalizeIdentifier("Größe")).not.toBe(normalizeIdentifier("Grosse"));
    expect(normalizeIdentifier("cafe\u0301")).toBe(normalizeIdentifier("café"));
    expect(normalizeIdentifier("!!!")).toBe("x");
  });

  it("protects the reserved system prefix and leaves SQL keywords to quoting", () => {
    expect(normalizeIdentifier("_sluice_id")).toBe("x_sluice_id");
    expect(normalizeIdentifier("_Sluice_Load_Id")).toBe("x_sluice_load_id");
    expect(normalizeIdentifier("select")).toBe("select");
    expect(normalizeIdentifier("order")).toBe("order");
    expect(normalizeIdentifier("_id")).toBe("_id");
  });
});

describe("paths and lengths", () => {
  it("normalizes each segment of a __ path", () => {
    expect(normalizePath("properties__countryCode")).toBe("properties__country_code");
    expect(normalizePath("businessName")).toBe("business_name");
  });

  it("shortens long names with a stable hash suffix within the byte budget", () => {
    const long = "a".repeat(100);
    const s = shortenIdentifier(long, 63);
    expect(s).toHaveLength(63);
    expect(s).toMatch(/^a+_[0-9a-f]{8}$/);
    expect(shortenIdentifier(long, 63)).toBe(s);
    expect(shortenIdentifier(`${"a".repeat(99)}b`, 63)).not.toBe(s);
    expect(shortenIdentifier("short", 63)).toBe("short");
    const uni = shortenIdentifier("ü".repeat(40), 63);
    expect(Buffer.byteLength(uni, "utf8")).toBeLessThanOrEqual(63);
  });

  it("normalizes and shortens table names", () => {
    expect(normalizeTableName("MyUsers", 63)).toBe("my_users");
    expect(normalizeTableName("x".repeat(80), 30)).toHaveLength(30);
  });
});
