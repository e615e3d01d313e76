export { DuckdbConnection } from "./duckdb-connection.js";
export { type DuckdbOptions, duckdb, duckdbCapabilities, duckdbPath } from "./duckdb-destination.js";
export { duckdbDialect, duckdbType } from "./duckdb-sql.js";
