// Destination-neutral SQL pieces shared by the SQL destinations (DuckDB, PostgreSQL).
export * from "./ddl-sql.js";
export * from "./sql-dialect.js";
export * from "./system-tables.js";
export * from "./table-plan.js";
export * from "./write-disposition-sql.js";
