import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { VALIDITY_COLUMNS } from "../../core/system-names.js";
import type { LoadPackage, PackageTable } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import { DuckdbConnection } from "../duckdb/duckdb-connection.js";
import { duckdb } from "../duckdb/index.js";
import { quoteIdent, quoteLiteral } from "../sql/sql-dialect.js";
import { withValidity } from "../sql/table-plan.js";
import type { DestinationContext } from "../types.js";
import type { FileFormat } from "./filesystem-destination.js";
import { tempName } from "./filesystem-files.js";
import { dataFileName } from "./filesystem-paths.js";

/** What merging one package's merge trees needs from the filesystem client. */
export interface MergeInput {
  pkg: LoadPackage;
  /** Every table of the merge trees (roots and children), by name. */
  tables: readonly string[];
  /** The committed data files of a table (absolute paths, oldest first) and their rows. */
  currentFiles(table: string): Promise<Array<{ path: string; rows: number }>>;
  /** Where a table's data files live. */
  tableDir(table: string): string;
  /** A scratch directory of this load, removed afterwards. */
  workDir: string;
  format: FileFormat;
  ctx: DestinationContext;
}

const MERGE_DATASET = "merged";

/**
 * Merge (delete-insert, upsert, scd2) for files, computed by the embedded DuckDB with the very
 * statements the DuckDB destination runs, so the tables come out as they would in a database: the
 * tables' current files are loaded into a scratch DuckDB file as one append load, the package is then
 * committed on top of them, and each table of the merged trees is written out whole as new data files
 * of this load. The caller's marker makes them the table's files; the old files are removed after it.
 * Memory stays DuckDB's (it spills to the scratch file), whatever the table's size.
 */
export async function mergeTables(
  input: MergeInput,
): Promise<Record<string, Array<{ file: string; rows: number }>>> {
  const { pkg, tables, workDir } = input;
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  try {
    const dbFile = join(workDir, "scratch.duckdb");
    const seedTables = await seedFiles(input);
    const engine = await duckdb({ path: dbFile }).connect({ ...input.ctx, datasetName: MERGE_DATASET });
    try {
      await engine.initialize();
      await engine.commitPackage({
        ...pkg,
        loadId: `${pkg.loadId}-current`,
        schema: asAppend(pkg.schema, tables),
        tables: seedTables,
      });
      await engine.commitPackage({ ...pkg, tables: pkg.tables.filter((t) => tables.includes(t.table)) });
    } finally {
      await engine.close();
    }
    return await writeOut(input, dbFile);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The tables' current rows as NDJSON files an append load reads (JSONL data files already are). */
async function seedFiles(input: MergeInput): Promise<PackageTable[]> {
  const out: PackageTable[] = [];
  const parquet: Array<{ table: string; files: string[]; rows: number }> = [];
  for (const table of input.tables) {
    const current = await input.currentFiles(table);
    const rows = current.reduce((n, f) => n + f.rows, 0);
    if (rows === 0) continue;
    const files = current.map((f) => f.path);
    if (input.format === "jsonl") out.push({ table, files, rowCount: rows });
    else parquet.push({ table, files, rows });
  }
  if (parquet.length === 0) return out;
  const conn = await DuckdbConnection.open(":memory:");
  try {
    for (const { table, files, rows } of parquet) {
      const target = join(input.workDir, `${table}.current.ndjson`);
      const list = `[${files.map(quoteLiteral).join(", ")}]`;
      await conn.run(
        `COPY (SELECT * FROM read_parquet(${list}, union_by_name = true)) TO ${quoteLiteral(target)} (FORMAT json)`,
      );
      out.push({ table, files: [target], rowCount: rows });
    }
  } finally {
    conn.close();
  }
  return out;
}

/** The schema with the merged trees loaded as plain appends (scd2 roots keep their validity columns). */
function asAppend(schema: StoredSchema, tables: readonly string[]): StoredSchema {
  const out: StoredSchema = { ...schema, tables: { ...schema.tables } };
  for (const name of tables) {
    const t = schema.tables[name];
    if (t === undefined) continue;
    const root = t.merge_strategy === "scd2" ? withValidity(t, VALIDITY_COLUMNS) : t;
    const { merge_strategy: _strategy, ...rest } = root;
    out.tables[name] = { ...rest, write_disposition: "append" };
  }
  return out;
}

/** Each merged table, written whole as this load's data files. */
async function writeOut(
  input: MergeInput,
  dbFile: string,
): Promise<Record<string, Array<{ file: string; rows: number }>>> {
  const conn = await DuckdbConnection.open(dbFile);
  const written: Record<string, Array<{ file: string; rows: number }>> = {};
  try {
    await conn.run("SET TimeZone = 'UTC'");
    for (const table of input.tables) {
      const relation = `${quoteIdent(MERGE_DATASET)}.${quoteIdent(table)}`;
      const exists = await conn.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = ${quoteLiteral(MERGE_DATASET)} AND table_name = ${quoteLiteral(table)}`,
      );
      if (exists.length === 0) continue;
      const [count] = await conn.query(`SELECT count(*) AS n FROM ${relation}`);
      const rows = Number(count?.["n"] ?? 0);
      written[table] = [];
      if (rows === 0) continue;
      const file = dataFileName(input.pkg.loadId, 0, input.format);
      const dir = input.tableDir(table);
      await mkdir(dir, { recursive: true });
      const options = input.format === "parquet" ? "(FORMAT parquet)" : "(FORMAT json)";
      // Written aside and renamed into place: a reader never sees half a file.
      const tmp = tempName(join(dir, file));
      await conn.run(`COPY (${selectAll(input, table, relation)}) TO ${quoteLiteral(tmp)} ${options}`);
      await rename(tmp, join(dir, file));
      written[table].push({ file, rows });
    }
  } finally {
    conn.close();
  }
  return written;
}

/**
 * A merged table's rows as its files hold them. JSON lines keep timestamps as ISO-8601 UTC text, as the
 * files sluice writes itself do (DuckDB's own JSON would write `2024-01-01 00:00:00+00`).
 */
function selectAll(input: MergeInput, table: string, relation: string): string {
  if (input.format !== "jsonl") return `SELECT * FROM ${relation}`;
  const stamps = Object.values(input.pkg.schema.tables[table]?.columns ?? {})
    .filter((c) => c.data_type === "timestamp")
    .map((c) => `strftime(${quoteIdent(c.name)}, '%Y-%m-%dT%H:%M:%S.%fZ') AS ${quoteIdent(c.name)}`);
  return stamps.length === 0
    ? `SELECT * FROM ${relation}`
    : `SELECT * REPLACE (${stamps.join(", ")}) FROM ${relation}`;
}
