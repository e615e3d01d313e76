import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadPackage, PipelineState } from "../../../src/load/package.js";
import type { ColumnSchema, DataType, StoredSchema, TableSchema } from "../../../src/schema/types.js";

/** Hand-made load packages, shaped as the normalizer writes them, to drive destinations directly. */

export type ColumnSpec = DataType | (Partial<ColumnSchema> & { data_type: DataType });

export function columns(spec: Record<string, ColumnSpec>): Record<string, ColumnSchema> {
  const out: Record<string, ColumnSchema> = {};
  for (const [name, s] of Object.entries(spec)) {
    const c = typeof s === "string" ? { data_type: s } : s;
    out[name] = { name, nullable: true, ...c };
  }
  return out;
}

const SYSTEM_ROOT: Record<string, ColumnSpec> = {
  _sluice_load_id: { data_type: "text", nullable: false },
  _sluice_id: { data_type: "text", nullable: false },
};
const SYSTEM_CHILD: Record<string, ColumnSpec> = {
  _sluice_parent_id: { data_type: "text", nullable: false },
  _sluice_list_idx: { data_type: "bigint", nullable: false },
  _sluice_root_id: { data_type: "text", nullable: false },
  _sluice_load_id: { data_type: "text", nullable: false },
  _sluice_id: { data_type: "text", nullable: false },
};

export function rootTable(
  name: string,
  spec: Record<string, ColumnSpec>,
  opts: Partial<Pick<TableSchema, "write_disposition" | "merge_strategy" | "resource">> = {},
): TableSchema {
  return {
    name,
    resource: opts.resource ?? name,
    write_disposition: opts.write_disposition ?? "append",
    ...(opts.merge_strategy === undefined ? {} : { merge_strategy: opts.merge_strategy }),
    columns: columns({ ...spec, ...SYSTEM_ROOT }),
  };
}

export function childTable(name: string, parent: TableSchema, spec: Record<string, ColumnSpec>): TableSchema {
  return {
    name,
    parent: parent.name,
    resource: parent.resource,
    write_disposition: parent.write_disposition,
    ...(parent.merge_strategy === undefined ? {} : { merge_strategy: parent.merge_strategy }),
    columns: columns({ ...spec, ...SYSTEM_CHILD }),
  };
}

export function schemaOf(name: string, tables: TableSchema[], version = 1): StoredSchema {
  const t: Record<string, TableSchema> = {};
  for (const table of tables) t[table.name] = table;
  const hash = createHash("sha256").update(JSON.stringify(t)).digest("hex").slice(0, 16);
  return { name, version, version_hash: hash, tables: t };
}

export type Row = Record<string, unknown>;

/** Root rows plus their children: `_sluice_*` ids are filled in deterministically from the load id. */
export interface TableRows {
  table: string;
  rows: Row[];
}

let seq = 0;
export function rowId(): string {
  seq++;
  return `id${process.pid}x${seq}`;
}

/** Writes NDJSON files (split in `filesPerTable` files) and returns the package. */
export function writePackage(opts: {
  dir: string;
  loadId: string;
  schema: StoredSchema;
  data: TableRows[];
  state: PipelineState;
  filesPerTable?: number;
}): LoadPackage {
  const pkgDir = join(opts.dir, opts.loadId);
  mkdirSync(pkgDir, { recursive: true });
  const tables = opts.data.map((d) => {
    const n = Math.max(1, Math.min(opts.filesPerTable ?? 1, d.rows.length));
    const files: string[] = [];
    for (let i = 0; i < n; i++) {
      // Contiguous chunks: file order is record order, which "last record wins" relies on.
      const size = Math.ceil(d.rows.length / n);
      const part = d.rows.slice(i * size, (i + 1) * size);
      const file = join(pkgDir, `${d.table}.${i}.jsonl`);
      writeFileSync(
        file,
        part.map((r) => `${JSON.stringify({ _sluice_load_id: opts.loadId, ...r })}\n`).join(""),
      );
      files.push(file);
    }
    if (d.rows.length === 0) files.length = 0;
    return { table: d.table, files, rowCount: d.rows.length };
  });
  return { loadId: opts.loadId, schema: opts.schema, tables, state: opts.state };
}

export function stateOf(
  pipeline: string,
  version: number,
  resources: PipelineState["resources"] = {},
): PipelineState {
  return { pipeline_name: pipeline, version, resources };
}

/** Values as they come back from any destination, made comparable (dates → ISO strings, bigint → number). */
export function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

export function plainRows(rows: Record<string, unknown>[]): Row[] {
  return rows.map((r) => plain(r) as Row);
}
