import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { SluiceError } from "../../core/errors.js";
import { recordToJson } from "../../core/record-json.js";
import type { LoadPackage, PipelineState } from "../../load/package.js";
import type { StoredSchema, TableSchema } from "../../schema/types.js";
import { DuckdbConnection } from "../duckdb/duckdb-connection.js";
import { destinationLoadError, type LoadErrorKind } from "../load-error.js";
import { quoteIdent, quoteLiteral } from "../sql/sql-dialect.js";
import type {
  Destination,
  DestinationCapabilities,
  DestinationClient,
  DestinationContext,
  LoadRecord,
  ReadResult,
} from "../types.js";
import { listDir, listSubdirs, removeWhere, TEMP_SUFFIX, writeFileAtomic } from "./filesystem-files.js";
import { mergeTables } from "./filesystem-merge.js";
import { ParquetColumns } from "./filesystem-parquet.js";
import {
  bucketPath,
  DATA_EXTENSIONS,
  dataFileName,
  datasetDir,
  LOADS_DIR,
  STATE_DIR,
  segment,
  tableDir,
  VERSION_DIR,
} from "./filesystem-paths.js";
import { readDataFile } from "./filesystem-read.js";
import { ndjsonRows } from "./filesystem-rows.js";

export type FileFormat = "parquet" | "jsonl";

export interface FilesystemDestinationOptions {
  /** A directory or `file://` URL; datasets are folders inside it. */
  bucketUrl: string;
  /** `parquet` (default) or `jsonl`. */
  format?: FileFormat;
  /** Rows per data file; each file is built in memory, so this bounds memory. */
  rowsPerFile?: number;
}

export const FILESYSTEM_CAPABILITIES: DestinationCapabilities = {
  // Names become directory names: stay well inside the common 255-byte file name limit.
  maxIdentifierLength: 120,
  // Merged by the embedded DuckDB (filesystem-merge.ts), with the DuckDB destination's own statements.
  mergeStrategies: ["delete-insert", "upsert", "scd2"],
  transactional: false,
};

/** A merge's scratch DuckDB lives in `<dataset>/.merge-<load id>` while it runs. */
const MERGE_SCRATCH = ".merge-";

/** The load marker: written last, so its presence is what makes a load committed. */
interface LoadMarker extends LoadRecord {
  pipeline_name: string;
  state_version: number;
  /** Data files this load wrote, per table, with their row counts. */
  files: Record<string, Array<{ file: string; rows: number }>>;
  /**
   * Tables this load wrote whole (replace, merge): their files of earlier loads are not theirs any more.
   * Those files are removed after the marker is written, so a crash in between leaves only garbage.
   */
  rewrote?: string[];
}

export function filesystemDestination(options: FilesystemDestinationOptions): Destination {
  const format = options.format ?? "parquet";
  return {
    name: "filesystem",
    capabilities: FILESYSTEM_CAPABILITIES,
    describeLocation(ctx) {
      return `${format} files in ${datasetDir(bucketPath(options.bucketUrl), ctx.datasetName)}`;
    },
    async connect(ctx) {
      return new FilesystemClient(bucketPath(options.bucketUrl), ctx, format, options.rowsPerFile ?? 50_000);
    },
  };
}

class FilesystemClient implements DestinationClient {
  readonly capabilities = FILESYSTEM_CAPABILITIES;
  private readonly root: string;

  constructor(
    private readonly bucket: string,
    private readonly ctx: DestinationContext,
    private readonly format: FileFormat,
    private readonly rowsPerFile: number,
  ) {
    this.root = datasetDir(bucket, ctx.datasetName);
  }

  private dir(table: string): string {
    return tableDir(this.bucket, this.ctx.datasetName, table);
  }

  private markerPath(loadId: string): string {
    return join(this.root, LOADS_DIR, `${segment(loadId)}.json`);
  }

  async initialize(): Promise<void> {
    // Folders are created on first write; nothing to prepare, and an empty dataset leaves no trace.
  }

  async isLoaded(loadId: string): Promise<boolean> {
    return (await this.readMarker(`${segment(loadId)}.json`)) !== null;
  }

  private async readMarker(name: string): Promise<LoadMarker | null> {
    try {
      return JSON.parse(await readFile(join(this.root, LOADS_DIR, name), "utf8")) as LoadMarker;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  private async markers(): Promise<LoadMarker[]> {
    const out: LoadMarker[] = [];
    for (const name of await listDir(join(this.root, LOADS_DIR))) {
      if (!name.endsWith(".json")) continue;
      const m = await this.readMarker(name);
      if (m !== null) out.push(m);
    }
    return out.sort(
      (a, b) => a.inserted_at.localeCompare(b.inserted_at) || a.load_id.localeCompare(b.load_id),
    );
  }

  async commitPackage(pkg: LoadPackage): Promise<void> {
    const done = await this.readMarker(`${segment(pkg.loadId)}.json`);
    if (done !== null) {
      await this.removeSuperseded(done);
      return;
    }
    const prefix = `${segment(pkg.loadId)}.`;
    // A crash during an earlier attempt may have left some of this load's files: start from a clean slate.
    // Files no committed load holds (one written whole superseded them, and a crash came before their
    // removal) go too: one run writes at a time, so nothing else can still be using them.
    const markers = await this.markers();
    for (const table of await listSubdirs(this.root)) {
      if (table.startsWith(MERGE_SCRATCH)) {
        await rm(join(this.root, table), { recursive: true, force: true });
        continue;
      }
      const kept = new Set((await this.committedFiles(table, markers)).map((f) => f.file));
      await removeWhere(
        join(this.root, table),
        (f) => f.startsWith(prefix) || f.endsWith(TEMP_SUFFIX) || (DATA_EXTENSIONS.test(f) && !kept.has(f)),
      );
    }

    const merging = new Set(rootsOf(pkg, "merge").flatMap((r) => [r, ...descendants(pkg.schema, r)]));
    const files: LoadMarker["files"] = {};
    for (const t of pkg.tables) {
      if (merging.has(t.table)) continue;
      const schema = pkg.schema.tables[t.table];
      if (schema === undefined)
        throw new SluiceError(`Load package names table "${t.table}" that its schema does not define`, {
          code: "PACKAGE_CORRUPT",
          hint: "The load package is damaged; drop the pending package and rerun.",
        });
      try {
        files[t.table] = await this.writeTable(pkg.loadId, schema, t.files);
      } catch (err) {
        throw this.writeError(err, pkg, t.table);
      }
    }

    if (merging.size > 0) {
      try {
        Object.assign(
          files,
          await mergeTables({
            pkg,
            tables: [...merging],
            currentFiles: async (table) =>
              (await this.committedFiles(table)).map((f) => ({
                path: join(this.dir(table), f.file),
                rows: f.rows,
              })),
            tableDir: (table) => this.dir(table),
            workDir: join(this.root, `${MERGE_SCRATCH}${segment(pkg.loadId)}`),
            format: this.format,
            ctx: this.ctx,
          }),
        );
      } catch (err) {
        throw this.writeError(err, pkg, [...merging][0] ?? "");
      }
    }
    const rewrote = [
      ...rootsOf(pkg, "replace").flatMap((r) => [r, ...descendants(pkg.schema, r)]),
      ...[...merging].filter((t) => files[t] !== undefined),
    ];

    await writeFileAtomic(
      join(this.root, STATE_DIR, `${segment(pkg.loadId)}.json`),
      JSON.stringify(pkg.state),
    );
    await writeFileAtomic(
      join(this.root, VERSION_DIR, `${segment(pkg.loadId)}.json`),
      JSON.stringify(pkg.schema),
    );
    const marker: LoadMarker = {
      load_id: pkg.loadId,
      schema_name: pkg.schema.name,
      status: 0,
      inserted_at: new Date().toISOString(),
      schema_version_hash: pkg.schema.version_hash,
      pipeline_name: pkg.state.pipeline_name,
      state_version: pkg.state.version,
      files,
      ...(rewrote.length > 0 ? { rewrote } : {}),
    };
    await writeFileAtomic(this.markerPath(pkg.loadId), JSON.stringify(marker));
    await this.removeSuperseded(marker);
  }

  /** Removes the earlier files of the tables a committed load wrote whole. */
  private async removeSuperseded(marker: LoadMarker): Promise<void> {
    const prefix = `${segment(marker.load_id)}.`;
    for (const table of marker.rewrote ?? [])
      await removeWhere(this.dir(table), (f) => !f.startsWith(prefix) && DATA_EXTENSIONS.test(f));
  }

  /** A failed file write as sluice's own error: the table, the folder, and whether a retry may help. */
  private writeError(err: unknown, pkg: LoadPackage, table: string): SluiceError {
    if (err instanceof SluiceError) return err;
    const errno = (err as NodeJS.ErrnoException).code ?? "";
    const kind: LoadErrorKind = ["ENOSPC", "EIO", "EMFILE", "ENFILE", "EBUSY", "EAGAIN"].includes(errno)
      ? "transient"
      : ["EACCES", "EPERM", "EROFS"].includes(errno)
        ? "permission"
        : "other";
    return destinationLoadError(
      {
        destination: "filesystem",
        loadId: pkg.loadId,
        dataset: this.ctx.datasetName,
        kind,
        table,
        raw: `${err instanceof Error ? err.message : String(err)} (writing ${this.dir(table)})`,
        ...(errno === "" ? {} : { dbCode: errno }),
      },
      {},
      pkg.schema,
      err,
    );
  }

  private async writeTable(
    loadId: string,
    table: TableSchema,
    inputs: readonly string[],
  ): Promise<Array<{ file: string; rows: number }>> {
    const written: Array<{ file: string; rows: number }> = [];
    const dir = this.dir(table.name);
    if (this.format === "jsonl") {
      let buf: string[] = [];
      let rows = 0;
      const flush = async () => {
        const file = dataFileName(loadId, written.length, "jsonl");
        await writeFileAtomic(join(dir, file), buf.join(""));
        written.push({ file, rows });
        buf = [];
        rows = 0;
      };
      // Only the table's columns: package rows may carry loader-only fields.
      const names = Object.keys(table.columns);
      for await (const row of ndjsonRows(inputs)) {
        const out: Record<string, unknown> = {};
        for (const n of names) if (row[n] !== undefined) out[n] = row[n];
        buf.push(`${recordToJson(out)}\n`);
        if (++rows >= this.rowsPerFile) await flush();
      }
      if (rows > 0) await flush();
      return written;
    }
    const cols = new ParquetColumns(Object.values(table.columns));
    const flush = async () => {
      const file = dataFileName(loadId, written.length, "parquet");
      const rows = cols.rows;
      const { columnData, schema } = cols.take();
      const buffer = parquetWriteBuffer({
        columnData,
        schema: schema as Parameters<typeof parquetWriteBuffer>[0]["schema"],
        rowGroupSize: this.rowsPerFile,
      });
      await writeFileAtomic(join(dir, file), new Uint8Array(buffer));
      written.push({ file, rows });
    };
    for await (const row of ndjsonRows(inputs)) {
      cols.add(row);
      if (cols.rows >= this.rowsPerFile) await flush();
    }
    if (cols.rows > 0) await flush();
    return written;
  }

  async restore(): Promise<{ state: PipelineState; schema: StoredSchema } | null> {
    const candidates = (await this.markers()).filter((m) => m.pipeline_name === this.ctx.pipelineName);
    candidates.sort(
      (a, b) => a.state_version - b.state_version || a.inserted_at.localeCompare(b.inserted_at),
    );
    const newest = candidates.at(-1);
    if (newest === undefined) return null;
    const name = `${segment(newest.load_id)}.json`;
    const state = JSON.parse(await readFile(join(this.root, STATE_DIR, name), "utf8")) as PipelineState;
    const schema = JSON.parse(await readFile(join(this.root, VERSION_DIR, name), "utf8")) as StoredSchema;
    return { state, schema };
  }

  async dropTables(tables: string[], options: { all?: boolean } = {}): Promise<void> {
    if (options.all) {
      await rm(this.root, { recursive: true, force: true });
      return;
    }
    for (const t of tables) await rm(this.dir(t), { recursive: true, force: true });
  }

  async listLoads(limit: number): Promise<LoadRecord[]> {
    return (await this.markers())
      .reverse()
      .slice(0, limit)
      .map(({ load_id, schema_name, status, inserted_at, schema_version_hash }) => ({
        load_id,
        schema_name,
        status,
        inserted_at,
        schema_version_hash,
      }));
  }

  /**
   * Data files of committed loads, oldest load first, with their row counts from the markers: from the
   * last load that wrote the table whole (replace, merge) on.
   */
  private async committedFiles(
    table: string,
    markers?: readonly LoadMarker[],
  ): Promise<Array<{ file: string; rows: number }>> {
    const present = new Set(await listDir(this.dir(table)));
    let out: Array<{ file: string; rows: number }> = [];
    for (const m of markers ?? (await this.markers())) {
      if (m.rewrote?.includes(table)) out = [];
      for (const f of m.files[table] ?? []) if (present.has(f.file)) out.push(f);
    }
    return out;
  }

  async rowCounts(tables: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    const markers = await this.markers();
    for (const t of tables) out[t] = (await this.committedFiles(t, markers)).reduce((n, f) => n + f.rows, 0);
    return out;
  }

  async sampleRows(table: string, limit: number): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const f of await this.committedFiles(table)) {
      if (out.length >= limit) break;
      out.push(...(await readDataFile(join(this.dir(table), f.file), limit - out.length)));
    }
    return out;
  }

  /**
   * Read-only SQL over the committed files: an in-memory DuckDB with one view per table over exactly the
   * files the load markers list (a file of an unfinished load is never seen).
   */
  async readQuery(
    sql: string,
    options: { params?: readonly (string | number)[]; limit: number },
  ): Promise<ReadResult> {
    const db = await DuckdbConnection.open(":memory:");
    try {
      const markers = await this.markers();
      const tables = new Set(markers.flatMap((m) => Object.keys(m.files)));
      for (const table of tables) {
        const files = (await this.committedFiles(table, markers)).map((f) => join(this.dir(table), f.file));
        if (files.length === 0) continue;
        const list = `[${files.map(quoteLiteral).join(", ")}]`;
        const scan =
          this.format === "parquet"
            ? `read_parquet(${list}, union_by_name = true)`
            : `read_json_auto(${list}, format = 'newline_delimited', union_by_name = true)`;
        await db.run(`CREATE VIEW ${quoteIdent(table)} AS SELECT * FROM ${scan}`);
      }
      return await db.readOnly(sql, options.params ?? [], options.limit);
    } finally {
      db.close();
    }
  }

  tableRef(table: string): string {
    return quoteIdent(table);
  }

  async close(): Promise<void> {}
}

/** Root tables of the package with that write disposition. */
function rootsOf(pkg: LoadPackage, disposition: "replace" | "merge"): string[] {
  const roots = new Set<string>();
  for (const t of pkg.tables) {
    let table = pkg.schema.tables[t.table];
    while (table?.parent !== undefined && pkg.schema.tables[table.parent] !== undefined)
      table = pkg.schema.tables[table.parent];
    if (table !== undefined && table.write_disposition === disposition) roots.add(table.name);
  }
  return [...roots];
}

function descendants(schema: StoredSchema, root: string): string[] {
  const out: string[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.shift() as string;
    for (const t of Object.values(schema.tables))
      if (t.parent === parent && !out.includes(t.name)) {
        out.push(t.name);
        frontier.push(t.name);
      }
  }
  return out;
}
