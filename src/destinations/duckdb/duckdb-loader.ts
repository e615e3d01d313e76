import type { Logger } from "../../core/logger.js";
import { SYSTEM_TABLE_NAMES } from "../../core/system-names.js";
import type { LoadPackage } from "../../load/package.js";
import { STAGING_ROW_COLUMN } from "../../load/package.js";
import type { TableSchema } from "../../schema/types.js";
import type { LoadStep } from "../load-error.js";
import { migrateTableSql } from "../sql/ddl-sql.js";
import { qualified, quoteIdent } from "../sql/sql-dialect.js";
import { ENGINE_VERSION, SYSTEM_TABLE_SCHEMAS } from "../sql/system-tables.js";
import { fileColumns, planTrees, type TreePlan } from "../sql/table-plan.js";
import { dispositionStatements, needsStaging } from "../sql/write-disposition-sql.js";
import type { DuckdbConnection } from "./duckdb-connection.js";
import { duckdbDialect, readNdjsonSql } from "./duckdb-sql.js";

/** Columns (name → type) of every table in the dataset, read once per commit. */
export async function existingColumns(
  conn: DuckdbConnection,
  dataset: string,
): Promise<Map<string, Map<string, string>>> {
  const rows = await conn.query(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = $1 ORDER BY ordinal_position",
    [dataset],
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const t = String(r["table_name"]);
    const columns = out.get(t) ?? new Map<string, string>();
    columns.set(String(r["column_name"]), String(r["data_type"]));
    out.set(t, columns);
  }
  return out;
}

export async function createSystemTables(conn: DuckdbConnection, dataset: string): Promise<void> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(dataset)}`);
  const existing = await existingColumns(conn, dataset);
  for (const t of SYSTEM_TABLE_SCHEMAS)
    for (const sql of migrateTableSql(duckdbDialect, dataset, t, existing.get(t.name) ?? null))
      await conn.run(sql);
}

/**
 * Everything one package does to the database, inside one transaction: migrate tables, scan the package
 * files (DuckDB parses the NDJSON itself), apply each tree's write disposition, record load, state, schema.
 * `step` follows the table being written, so a refusal can name it and find the record in its files.
 */
export async function commitPackageDuckdb(
  conn: DuckdbConnection,
  dataset: string,
  pkg: LoadPackage,
  logger: Logger,
  step: LoadStep = {},
): Promise<void> {
  const plans = planTrees(pkg.schema, pkg.tables, logger);
  const loadTime = new Date().toISOString();
  await conn.transaction(async () => {
    await migrate(conn, dataset, pkg, plans);
    let stagingSeq = 0;
    const staged: string[] = [];
    for (const plan of plans) {
      const sources = new Map<string, string>();
      for (const table of [plan.root, ...plan.descendants]) {
        const entry = plan.packageTables.get(table.name);
        if (entry === undefined || entry.files.length === 0 || entry.rowCount === 0) continue;
        const columns = fileColumns(plan, table);
        if (needsStaging(plan)) {
          const scan = readNdjsonSql(entry.files, [
            ...columns,
            { name: STAGING_ROW_COLUMN, data_type: "bigint", nullable: true },
          ]);
          const name = `_sluice_stg_${stagingSeq++}`;
          step.table = table.name;
          step.files = entry.files;
          await conn.run(`CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT * FROM ${scan}`);
          staged.push(name);
          sources.set(table.name, quoteIdent(name));
        } else {
          sources.set(table.name, `(SELECT * FROM ${readNdjsonSql(entry.files, columns)})`);
        }
      }
      const statements = dispositionStatements(plan, duckdbDialect, {
        target: (t) => qualified(dataset, t),
        source: (t) => sources.get(t) ?? null,
        loadId: pkg.loadId,
        loadTime,
      });
      for (const sql of statements) {
        locateStatement(step, sql, dataset, plan);
        await conn.run(sql);
      }
    }
    delete step.table;
    delete step.files;
    for (const name of staged) await conn.run(`DROP TABLE ${quoteIdent(name)}`);
    await recordLoad(conn, dataset, pkg, loadTime);
  });
}

/** The table a disposition statement writes (`INSERT INTO`, `DELETE FROM`, `UPDATE` target) and its files. */
function locateStatement(step: LoadStep, sql: string, dataset: string, plan: TreePlan): void {
  for (const table of [plan.root, ...plan.descendants]) {
    const target = qualified(dataset, table.name);
    if (
      ![`INSERT INTO ${target} `, `DELETE FROM ${target}`, `UPDATE ${target} `].some((p) => sql.startsWith(p))
    )
      continue;
    step.table = table.name;
    step.files = plan.packageTables.get(table.name)?.files ?? [];
    return;
  }
}

async function migrate(
  conn: DuckdbConnection,
  dataset: string,
  pkg: LoadPackage,
  plans: readonly TreePlan[],
): Promise<void> {
  const existing = await existingColumns(conn, dataset);
  const effective = new Map<string, TableSchema>();
  for (const t of Object.values(pkg.schema.tables)) effective.set(t.name, t);
  for (const p of plans) effective.set(p.root.name, p.root);
  for (const t of effective.values())
    for (const sql of migrateTableSql(duckdbDialect, dataset, t, existing.get(t.name) ?? null))
      await conn.run(sql);
}

async function recordLoad(
  conn: DuckdbConnection,
  dataset: string,
  pkg: LoadPackage,
  loadTime: string,
): Promise<void> {
  const { schema, state } = pkg;
  await conn.run(
    `INSERT INTO ${qualified(dataset, SYSTEM_TABLE_NAMES.loads)} (load_id, schema_name, status, inserted_at, schema_version_hash) VALUES ($1, $2, 0, CAST($3 AS TIMESTAMPTZ), $4)`,
    [pkg.loadId, schema.name, loadTime, schema.version_hash],
  );
  await conn.run(
    `INSERT INTO ${qualified(dataset, SYSTEM_TABLE_NAMES.state)} (version, engine_version, pipeline_name, state, created_at, version_hash, _sluice_load_id) VALUES ($1, $2, $3, $4, CAST($5 AS TIMESTAMPTZ), NULL, $6)`,
    [state.version, ENGINE_VERSION, state.pipeline_name, JSON.stringify(state), loadTime, pkg.loadId],
  );
  const known = await conn.query(
    `SELECT 1 FROM ${qualified(dataset, SYSTEM_TABLE_NAMES.version)} WHERE schema_name = $1 AND version_hash = $2 AND version = $3 LIMIT 1`,
    [schema.name, schema.version_hash, schema.version],
  );
  if (known.length === 0)
    await conn.run(
      `INSERT INTO ${qualified(dataset, SYSTEM_TABLE_NAMES.version)} (version, engine_version, inserted_at, schema_name, version_hash, schema) VALUES ($1, $2, CAST($3 AS TIMESTAMPTZ), $4, $5, $6)`,
      [schema.version, ENGINE_VERSION, loadTime, schema.name, schema.version_hash, JSON.stringify(schema)],
    );
}
