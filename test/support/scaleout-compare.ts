import { describeDataset, queryDuckdb } from "./demo-duckdb.js";

/** Columns whose values differ by design between two runs of the same data: ids drawn at random, load ids. */
const RUN_SPECIFIC = new Set(["_sluice_load_id", "_sluice_id", "_sluice_parent_id", "_sluice_root_id"]);

/**
 * Every table of a dataset as sorted rows without the run-specific columns, with its column types: two
 * runs that loaded the same data give equal snapshots, whatever order rows arrived in.
 */
export async function datasetSnapshot(
  file: string,
  dataset: string,
): Promise<Record<string, { columns: Record<string, string>; rows: string[] }>> {
  const tables = await describeDataset(file, dataset);
  const out: Record<string, { columns: Record<string, string>; rows: string[] }> = {};
  for (const [name, t] of Object.entries(tables)) {
    if (name.startsWith("_sluice_")) continue;
    const cols = Object.keys(t.columns).filter((c) => !RUN_SPECIFIC.has(c));
    const rows = await queryDuckdb(
      file,
      `SELECT ${cols.map((c) => `"${c}"`).join(", ")} FROM "${dataset}"."${name}"`,
    );
    out[name] = {
      columns: Object.fromEntries(cols.map((c) => [c, t.columns[c] as string])),
      rows: rows.map((r) => JSON.stringify(r)).sort(),
    };
  }
  return out;
}

/** The committed pipeline state of a DuckDB dataset (the newest), with boundary hashes in a stable order. */
export async function committedState(file: string, dataset: string): Promise<Record<string, unknown>> {
  const [row] = await queryDuckdb(
    file,
    `SELECT state FROM "${dataset}"."_sluice_pipeline_state" ORDER BY version DESC LIMIT 1`,
  );
  const state = JSON.parse(String(row?.state ?? "{}")) as { resources?: Record<string, unknown> };
  return sortHashes(state.resources ?? {}) as Record<string, unknown>;
}

function sortHashes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortHashes);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        k === "unique_hashes" && Array.isArray(x) ? [...x].sort() : sortHashes(x),
      ]),
    );
  return v;
}
