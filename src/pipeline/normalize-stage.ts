import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import type { DataRecord } from "../core/json.js";
import { NdjsonWriter, type NdjsonWriterOptions } from "../core/ndjson-files.js";
import { recordToJson } from "../core/record-json.js";
import { type ResourceHints, resolveWriteDisposition } from "../core/resource.js";
import type { RecordSink } from "../extract/extractor.js";
import type { PackageTable } from "../load/package.js";
import { STAGING_ROW_COLUMN } from "../load/package.js";
import { Normalizer } from "../normalize/normalizer.js";
import type { StoredSchema } from "../schema/types.js";

export interface NormalizeStageOptions {
  packageDir: string;
  loadId: string;
  /** Schema before this package (the previous package's, or the restored one); null on a first run. */
  schema: StoredSchema | null;
  schemaName: string;
  maxIdentifierLength: number;
  files?: NdjsonWriterOptions;
  /** Called when a table's file is closed by rotation (complete, may be loaded now). */
  onFileClosed?: (table: string, file: string) => void;
  /** Called after every batch with the running record count. */
  onProgress?: (records: number) => void;
}

export interface NormalizeStageResult {
  schema: StoredSchema;
  /** Every table of the package's resources, including tables without rows (replace empties them). */
  tables: PackageTable[];
  records: number;
  discarded: number;
  /** Time spent normalizing and writing rows (the stage's own cost, interleaved with extraction). */
  ms: number;
}

/**
 * The normalize stage as a record sink: extraction hands it each batch while the records are still objects,
 * and it writes one NDJSON file set per table. Normalizing in-flight saves serializing every record to an
 * intermediate file and parsing it back, which was most of the pipeline's CPU time. Rows of merge tables
 * carry `_sluice_rec` (the record's sequence number in the package) so the loader can keep the last record
 * per key together with exactly its own child rows.
 */
export class PackageNormalizer implements RecordSink {
  private readonly normalizer: Normalizer;
  private readonly outDir: string;
  private readonly writers = new Map<string, NdjsonWriter>();
  private readonly mergeResources = new Set<string>();
  private readonly resources = new Set<string>();
  private seq = 0;
  private tagged = false;
  private records = 0;
  private discarded = 0;
  private ms = 0;
  private closed = false;

  constructor(private readonly options: NormalizeStageOptions) {
    this.outDir = join(options.packageDir, "normalized");
    mkdirSync(this.outDir, { recursive: true });
    this.normalizer = new Normalizer(options.schema, options.schemaName, {
      maxIdentifierLength: options.maxIdentifierLength,
    });
  }

  /** Declares a resource whose records this package holds (before its first batch). */
  open(resource: string, hints: ResourceHints): void {
    this.resources.add(resource);
    this.normalizer.registerResource(resource, hints);
    if (resolveWriteDisposition(hints.write_disposition).disposition === "merge")
      this.mergeResources.add(resource);
  }

  write(resource: string, batch: readonly DataRecord[]): void {
    const started = performance.now();
    const { normalizer, sink } = this;
    const loadId = this.options.loadId;
    this.tagged = this.mergeResources.has(resource);
    for (const record of batch) {
      this.seq++;
      if (!normalizer.normalize(resource, record, loadId, sink)) this.discarded++;
    }
    this.records += batch.length;
    this.ms += performance.now() - started;
    this.options.onProgress?.(this.records);
  }

  private readonly sink = (table: string, row: Record<string, unknown>): void => {
    if (this.tagged) row[STAGING_ROW_COLUMN] = this.seq;
    let w = this.writers.get(table);
    if (w === undefined) {
      const onClosed = this.options.onFileClosed;
      w = new NdjsonWriter(
        this.outDir,
        `t${this.writers.size}`,
        onClosed === undefined
          ? this.options.files
          : { ...this.options.files, onFileClosed: (f) => onClosed(table, f) },
      );
      this.writers.set(table, w);
    }
    w.write(recordToJson(row));
  };

  /** The schema so far: every file closed until now was written under it (schemas only grow). */
  schemaSoFar(): StoredSchema {
    return this.normalizer.schema();
  }

  /** Flushes and fsyncs every file; returns the schema and the per-table file lists for the manifest. */
  finish(): NormalizeStageResult {
    const started = performance.now();
    this.close();
    const schema = this.normalizer.schema();
    const tables: PackageTable[] = [];
    for (const t of Object.values(schema.tables)) {
      const w = this.writers.get(t.name);
      if (w === undefined && !this.resources.has(t.resource)) continue;
      tables.push({
        table: t.name,
        files: (w?.files ?? []).map((f) => relative(this.options.packageDir, f)),
        rowCount: w?.rows ?? 0,
      });
    }
    this.ms += performance.now() - started;
    return { schema, tables, records: this.records, discarded: this.discarded, ms: this.ms };
  }

  /** Closes open files without reporting (the package is being discarded). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.writers.values()) w.close();
  }
}
