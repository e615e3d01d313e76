import { DuckDBInstance } from "@duckdb/node-api";

/** Reads a DuckDB file the way a user would: plain SQL, for tests that check what a run loaded. */
export async function queryDuckdb(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export interface LoadedTable {
  rows: number;
  /** Column name → DuckDB type (`BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`, …). */
  columns: Record<string, string>;
}

/** Every table of a dataset with its row count and column types. */
export async function describeDataset(path: string, dataset: string): Promise<Record<string, LoadedTable>> {
  const cols = await queryDuckdb(
    path,
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = '${dataset}' ORDER BY table_name, ordinal_position`,
  );
  const out: Record<string, LoadedTable> = {};
  for (const c of cols) {
    const t = String(c.table_name);
    out[t] ??= { rows: 0, columns: {} };
    out[t].columns[String(c.column_name)] = String(c.data_type);
  }
  for (const t of Object.keys(out)) {
    const [row] = await queryDuckdb(path, `SELECT count(*)::INTEGER AS n FROM "${dataset}"."${t}"`);
    (out[t] as LoadedTable).rows = Number(row?.n ?? 0);
  }
  return out;
}
