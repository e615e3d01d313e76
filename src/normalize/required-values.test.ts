import { describe, expect, it } from "vitest";
import type { ColumnHint } from "../core/resource.js";
import { missingRequired, missingRequiredValue, requiredColumns } from "./required-values.js";

describe("requiredColumns", () => {
  it("requires nullable: false columns and keys not declared nullable", () => {
    const hints = new Map<string, ColumnHint>([
      ["id", { primary_key: true }],
      ["org", { primary_key: true, nullable: true }],
      ["email", { nullable: false }],
      ["name", { data_type: "text" }],
    ]);
    expect(requiredColumns(hints)).toEqual(["id", "email"]);
  });
});

describe("missingRequired", () => {
  it("names the first required column without a value (null counts as none)", () => {
    expect(missingRequired({ id: 1, email: "a" }, ["id", "email"])).toBeUndefined();
    expect(missingRequired({ id: 1, email: null }, ["id", "email"])).toBe("email");
    expect(missingRequired({ email: "a" }, ["id", "email"])).toBe("id");
    expect(missingRequired({}, [])).toBeUndefined();
  });
});

describe("missingRequiredValue", () => {
  const table = { resource: "users", name: "users", primaryKey: ["id"] };

  it("names the resource, the column, the table and the record's keys, with a fix", () => {
    const key = missingRequiredValue(table, "id", { email: "a", other: 1 });
    expect(key.code).toBe("REQUIRED_VALUE_MISSING");
    expect(key.message).toContain('resource "users": a record has no value for primary key column "id"');
    expect(key.message).toContain("record keys: email, other");
    expect(key.hint).toMatch(/primary_key/);
    const plain = missingRequiredValue(table, "email", {});
    expect(plain.message).toContain('required column "email" of table "users" (record keys: none;');
    expect(plain.hint).toContain("columns: { email: { nullable: true } }");
  });
});
