import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors.js";
import type { SchemaContract } from "../core/resource.js";
import { resolveContract, SchemaContractError } from "./contract.js";

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
