export { SchemaContractError } from "../schema/contract.js";
export type { NormalizerOptions, RowSink } from "./normalizer.js";
export { Normalizer } from "./normalizer.js";
