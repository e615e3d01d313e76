import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors.js";
import type { SchemaContract } from "../core/resource.js";
import {
  decideChange,
  governingMode,
  resolveContract,
  type SchemaChange,
  SchemaContractError,
} from "./contract.js";

describe("resolveContract", () => {
  it("defaults to evolve and expands the string shorthand to all entities", () => {
    expect(resolveContract(undefined)).toEqual({ tables: "evolve", columns: "evolve", data_type: "evolve" });
    expect(resolveContract("freeze")).toEqual({ tables: "freeze", columns: "freeze", data_type: "freeze" });
    expect(resolveContract({ columns: "discard_value" })).toEqual({
      tables: "evolve",
      columns: "discard_value",
      data_type: "evolve",
    });
  });

  it("refuses unknown modes with a hint", () => {
    expect(() => resolveContract("frozen" as SchemaContract)).toThrow(
      /Unknown schema_contract mode "frozen"/,
    );
  });

  it("SchemaContractError is a SluiceError naming the place and the fix", () => {
    const err = new SchemaContractError({
      resource: "users",
      table: "users",
      column: "age",
      entity: "data_type",
      dataType: "text",
      existingType: "bigint",
    });
    expect(err).toBeInstanceOf(SluiceError);
    expect(err.message).toContain('resource "users"');
    expect(err.message).toContain('column "age"');
    expect(err.message).toContain("bigint");
    expect(err.hint).toMatch(/schema_contract\.data_type/);
  });
});

describe("governingMode", () => {
  const contract = resolveContract({ tables: "discard_row", columns: "freeze", data_type: "discard_value" });

  it("applies tables to every new table, columns and data_type only to tables that had data", () => {
    expect(governingMode(contract, "tables", false)).toBe("discard_row");
    expect(governingMode(contract, "tables", true)).toBe("discard_row");
    expect(governingMode(contract, "columns", false)).toBe("evolve");
    expect(governingMode(contract, "columns", true)).toBe("freeze");
    expect(governingMode(contract, "data_type", false)).toBe("evolve");
    expect(governingMode(contract, "data_type", true)).toBe("discard_value");
  });
});

describe("decideChange", () => {
  const column: SchemaChange = {
    resource: "users",
    table: "users",
    column: "age",
    entity: "columns",
    dataType: "bigint",
  };

  it("returns the governing mode as the verdict", () => {
    for (const mode of ["evolve", "discard_row", "discard_value"] as const) {
      expect(decideChange(resolveContract({ columns: mode }), true, column)).toBe(mode);
    }
    // A table's first run evolves whatever the columns contract says.
    expect(decideChange(resolveContract("freeze"), false, column)).toBe("evolve");
  });

  it("throws on freeze, with the change in the error", () => {
    const frozen = resolveContract("freeze");
    expect(() => decideChange(frozen, true, column)).toThrow(
      'Schema contract violation: resource "users" would add new column "age" (bigint) to table "users", but columns are frozen',
    );
    const table: SchemaChange = { resource: "users", table: "users__tags", entity: "tables" };
    try {
      decideChange(frozen, false, table);
      throw new Error("expected a refusal");
    } catch (err) {
      expect(err).toBeInstanceOf(SchemaContractError);
      expect(err).toMatchObject({
        entity: "tables",
        table: "users__tags",
        code: "SCHEMA_CONTRACT_VIOLATION",
      });
    }
    const variant: SchemaChange = {
      ...column,
      entity: "data_type",
      dataType: "text",
      existingType: "bigint",
    };
    expect(() => decideChange(frozen, true, variant)).toThrow(
      /has a text value for column "age" of type bigint in table "users"/,
    );
  });
});
