import { SluiceError } from "../core/errors.js";
import { SYSTEM_COLUMNS } from "../core/system-names.js";
import type { ReadResult } from "../destinations/types.js";
import { type DatasetReader, remoteReader } from "../pipeline/live-reads.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunTrace } from "../pipeline/run-history.js";
import type { StoredSchema } from "../schema/types.js";
import type { ReadPath, RowsResponse, SqlResponse, TablesResponse } from "./api-types.js";

/** Rows the SQL box returns at most; a page of the table browser at most. */
export const SQL_ROW_LIMIT = 1000;
export const PAGE_LIMIT = 200;

/**
 * Reads the dataset without ever blocking a run or failing because one is writing: a DuckDB file has one
 * writer process, so while a run holds it the read goes through that run (its read endpoint); otherwise
 * the destination is opened read-only for the length of the read.
 */
export async function withDataReader<T>(
  p: Pipeline,
  latestRun: () => RunTrace | undefined,
  fn: (reader: DatasetReader, path: ReadPath) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + RUN_STARTING_WAIT_MS;
  for (;;) {
    try {
      const latest = latestRun();
      if (latest?.status === "running" && latest.read_endpoint !== undefined)
        return await fn(remoteReader(latest.read_endpoint), "running-process");
      if (latest?.status === "running" && p.destination.capabilities.singleProcess)
        throw new SluiceError("The run that just started is opening the database", {
          code: "RUN_STARTING",
          hint: "Its data can be read through it in a moment: retry.",
        });
      return await p.withReader((reader) => fn(reader, "destination"));
    } catch (err) {
      // A run starting or ending: a moment later it is either serving reads or gone.
      if (!(err instanceof SluiceError && err.code === "RUN_STARTING") || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/** How long a read waits for a run that is opening or closing its database. */
const RUN_STARTING_WAIT_MS = 3000;

/** User tables of the schema with their row counts (a table not created yet counts 0). */
export async function tableCounts(
  reader: DatasetReader,
  path: ReadPath,
  schema: StoredSchema | null,
): Promise<TablesResponse> {
  const tables = Object.values(schema?.tables ?? {});
  const out: TablesResponse["tables"] = [];
  for (const t of tables) {
    let rows = 0;
    try {
      const result = await reader.readQuery(`SELECT count(*) AS n FROM ${await reader.tableRef(t.name)}`, {
        limit: 1,
      });
      rows = Number(result.rows[0]?.["n"] ?? 0);
    } catch {
      // Not in the destination yet (its package is pending): no rows to show.
    }
    out.push({
      name: t.name,
      ...(t.parent === undefined ? {} : { parent: t.parent }),
      rows,
      columns: Object.keys(t.columns).length,
      children: tables.filter((c) => c.parent === t.name).map((c) => c.name),
    });
  }
  return { read_path: path, tables: out };
}

/**
 * One page of a table in a stable order (a root table by load and row id, a child table by parent and
 * list position), optionally only the child rows of one parent row.
 */
export async function tableRows(
  reader: DatasetReader,
  path: ReadPath,
  schema: StoredSchema,
  table: string,
  page: { offset: number; limit: number; parentId?: string },
): Promise<RowsResponse> {
  const t = schema.tables[table];
  if (t === undefined)
    throw new SluiceError(`No table "${table}" in the schema`, {
      code: "NOT_FOUND",
      hint: `tables: ${Object.keys(schema.tables).join(", ")}`,
    });
  const has = (c: string) => t.columns[c] !== undefined;
  // A person reads rows by their key; without one, in the order the loads wrote them.
  const keys = Object.values(t.columns)
    .filter((c) => c.primary_key)
    .map((c) => c.name);
  const order =
    t.parent !== undefined
      ? [SYSTEM_COLUMNS.parentId, SYSTEM_COLUMNS.listIdx]
      : [...keys, SYSTEM_COLUMNS.loadId, SYSTEM_COLUMNS.id];
  const orderBy = order.filter(has).map((c) => `"${c}"`);
  const byParent = page.parentId !== undefined && has(SYSTEM_COLUMNS.parentId);
  const where = byParent ? ` WHERE "${SYSTEM_COLUMNS.parentId}" = $1` : "";
  const params = byParent ? [page.parentId as string] : [];
  const ref = await reader.tableRef(table);
  const limit = Math.min(Math.max(1, page.limit), PAGE_LIMIT);
  const offset = Math.max(0, page.offset);
  const total = await reader.readQuery(`SELECT count(*) AS n FROM ${ref}${where}`, { params, limit: 1 });
  const result = await reader.readQuery(
    `SELECT * FROM ${ref}${where}${orderBy.length > 0 ? ` ORDER BY ${orderBy.join(", ")}` : ""} LIMIT ${limit} OFFSET ${offset}`,
    { params, limit },
  );
  return {
    read_path: path,
    table,
    columns: result.columns,
    rows: readable(result),
    offset,
    limit,
    total: Number(total.rows[0]?.["n"] ?? 0),
    row_key: SYSTEM_COLUMNS.id,
    parent_key: SYSTEM_COLUMNS.parentId,
    children: Object.values(schema.tables)
      .filter((c) => c.parent === table)
      .map((c) => c.name),
  };
}

/** The SQL box: one read-only statement, at most SQL_ROW_LIMIT rows. */
export async function runSql(reader: DatasetReader, path: ReadPath, sql: string): Promise<SqlResponse> {
  if (sql.trim() === "")
    throw new SluiceError("The query is empty", {
      code: "READ_ONLY_SQL",
      hint: "Write a SELECT, e.g. SELECT count(*) FROM <table>.",
    });
  const started = performance.now();
  const result = await reader.readQuery(sql, { limit: SQL_ROW_LIMIT });
  return {
    read_path: path,
    columns: result.columns,
    rows: readable(result),
    truncated: result.truncated,
    ms: Math.round(performance.now() - started),
  };
}

/** JSON columns arrive as text from DuckDB: shown as the structure they hold. */
function readable(result: ReadResult): Record<string, unknown>[] {
  const json = result.columns.filter((c) => /^json/i.test(c.data_type)).map((c) => c.name);
  if (json.length === 0) return result.rows;
  return result.rows.map((row) => {
    const out = { ...row };
    for (const c of json) {
      const v = out[c];
      if (typeof v === "string")
        try {
          out[c] = JSON.parse(v);
        } catch {
          // Not JSON after all: shown as the text it is.
        }
    }
    return out;
  });
}
