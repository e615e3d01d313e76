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

/** A change that a record's data would make to the schema, as a contract judges (and an error names) it. */
export interface SchemaChange {
  resource: string;
  table: string;
  /** The new column (`columns`) or the column whose type the value does not fit (`data_type`). */
  column?: string;
  entity: ContractEntity;
  /** Type of the new column or of the value. */
  dataType?: string;
  /** `data_type`: the type of the column the value does not fit. */
  existingType?: string;
}

/** What becomes of a record that would make a change: it is made, or the record or the value is dropped. */
export type ContractVerdict = "evolve" | "discard_row" | "discard_value";

/**
 * The mode that governs a change to a table, as in dlt: `tables` governs every new table, while `columns`
 * and `data_type` govern only tables that had data before this run (a table's first run evolves freely).
 */
export function governingMode(
  contract: ResolvedContract,
  entity: ContractEntity,
  tableHadData: boolean,
): ContractMode {
  return entity === "tables" || tableHadData ? contract[entity] : "evolve";
}

/**
 * The contract decision, made the same way for every kind of change: `freeze` throws SchemaContractError,
 * any other mode is the verdict. A refused change must leave nothing behind, so callers decide before
 * they record anything (a name claim, a column, a table).
 */
export function decideChange(
  contract: ResolvedContract,
  tableHadData: boolean,
  change: SchemaChange,
): ContractVerdict {
  const mode = governingMode(contract, change.entity, tableHadData);
  if (mode === "freeze") throw new SchemaContractError(change);
  return mode;
}

/** Data broke a frozen schema contract. Names the resource, table, column and value type, and the fix. */
export class SchemaContractError extends SluiceError {
  readonly resource: string;
  readonly table: string;
  readonly column: string | undefined;
  readonly entity: ContractEntity;
  readonly dataType: string | undefined;

  constructor(details: SchemaChange) {
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
