import { SluiceError } from "../core/errors.js";
import type { ContractMode, SchemaContract } from "../core/resource.js";

/** A schema contract with every entity spelled out (the string shorthand applies to all three). */
export interface ResolvedContract {
  tables: ContractMode;
  columns: ContractMode;
  data_type: ContractMode;
}

export const EVOLVE_ALL: ResolvedContract = Object.freeze({
  tables: "evolve",
  columns: "evolve",
  data_type: "evolve",
});

const MODES: ReadonlySet<string> = new Set(["evolve", "freeze", "discard_row", "discard_value"]);

export function resolveContract(contract: SchemaContract | undefined): ResolvedContract {
  if (contract === undefined) return EVOLVE_ALL;
  if (typeof contract === "string") {
    checkMode(contract, "schema_contract");
    return { tables: contract, columns: contract, data_type: contract };
  }
  const out: ResolvedContract = {
    tables: contract.tables ?? "evolve",
    columns: contract.columns ?? "evolve",
    data_type: contract.data_type ?? "evolve",
  };
  checkMode(out.tables, "schema_contract.tables");
  checkMode(out.columns, "schema_contract.columns");
  checkMode(out.data_type, "schema_contract.data_type");
  return out;
}

function checkMode(mode: string, where: string): void {
  if (!MODES.has(mode)) {
    throw new SluiceError(`Unknown ${where} mode "${mode}"`, {
      code: "SCHEMA_CONTRACT_INVALID",
      hint: "Use one of evolve, freeze, discard_row, discard_value.",
    });
  }
}

export type ContractEntity = "tables" | "columns" | "data_type";

/** Data broke a frozen schema contract. Names the resource, table, column and value type, and the fix. */
export class SchemaContractError extends SluiceError {
  readonly resource: string;
  readonly table: string;
  readonly column: string | undefined;
  readonly entity: ContractEntity;
  readonly dataType: string | undefined;

  constructor(details: {
    resource: string;
    table: string;
    column?: string;
    entity: ContractEntity;
    dataType?: string;
    existingType?: string;
  }) {
    const { resource, table, column, entity, dataType, existingType } = details;
    let what: string;
    if (entity === "tables") what = `would create new table "${table}"`;
    else if (entity === "columns")
      what = `would add new column "${column}"${dataType ? ` (${dataType})` : ""} to table "${table}"`;
    else
      what = `has a ${dataType} value for column "${column}" of type ${existingType} in table "${table}" (it would need a variant column)`;
    super(`Schema contract violation: resource "${resource}" ${what}, but ${entity} are frozen`, {
      code: "SCHEMA_CONTRACT_VIOLATION",
      hint:
        entity === "data_type"
          ? `Fix the data, hint the column's data_type in "columns", or set schema_contract.data_type to "evolve", "discard_value" or "discard_row" for resource "${resource}".`
          : `Set schema_contract.${entity} to "evolve", "discard_value" or "discard_row" for resource "${resource}", or add the ${entity === "tables" ? "table" : "column"} to the schema with a column hint.`,
    });
    this.resource = resource;
    this.table = table;
    this.column = column;
    this.entity = entity;
    this.dataType = dataType;
  }
}
