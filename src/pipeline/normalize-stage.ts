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
import { Normalizer, type NormalizerContinuation } from "../normalize/normalizer.js";
import type { StoredSchema } from "../schema/types.js";

export interface NormalizeStageOptions {
  packageDir: string;
  loadId: string;
  /** Schema before this package (the previous package's, or the restored one); null on a first run. */
  schema: StoredSchema | null;
  schemaName: string;
  maxIdentifierLength: number;
  files?: NdjsonWriterOptions;
  /** Called when a table's file is closed by rotation (complete, may be loaded now), with the schema it was written under. */
  onFileClosed?: (table: string, file: string, schema: StoredSchema) => void;
  /** Called after every batch with the running record count. */
  onProgress?: (records: number) => void;
  /** First part of every file name (default "t"): two normalizers of one package write distinct files. */
  fileStem?: string;
  /** Goes on with the package another PackageNormalizer handed off (`handoff()`); `schema` is then ignored. */
  from?: PackageContinuation;
  /**
   * First record sequence number (default 0): partitions of one scaled-out run number their records in
   * disjoint ranges, in partition order, so a merge keeps the last record per key across all of them.
   */
  seqStart?: number;
}

/** A package normalizer's state as plain data, for one in another thread to go on from. */
export interface PackageContinuation {
  normalizer: NormalizerContinuation;
  resources: [string, ResourceHints][];
  /** Files written so far per table (absolute paths, complete and fsynced) and their rows. */
  files: Record<string, { files: string[]; rows: number }>;
  seq: number;
  records: number;
  discarded: number;
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
  private readonly resources = new Map<string, ResourceHints>();
  private readonly earlier: PackageContinuation["files"];
  private seq: number;
  private tagged = false;
  private records: number;
  private discarded: number;
  private ms = 0;
  private closed = false;
  /** Files already reported closed by rotation. */
  private readonly reported = new Set<string>();

  constructor(private readonly options: NormalizeStageOptions) {
    this.outDir = join(options.packageDir, "normalized");
    mkdirSync(this.outDir, { recursive: true });
    const from = options.from;
    this.normalizer = new Normalizer(
      options.schema,
      options.schemaName,
      { maxIdentifierLength: options.maxIdentifierLength },
      from?.normalizer,
    );
    this.earlier = from?.files ?? {};
    this.seq = from?.seq ?? options.seqStart ?? 0;
    this.records = from?.records ?? 0;
    this.discarded = from?.discarded ?? 0;
    for (const [resource, hints] of from?.resources ?? []) this.open(resource, hints);
  }

  get recordCount(): number {
    return this.records;
  }

  /** Time spent so far normalizing and writing. */
  get elapsedMs(): number {
    return this.ms;
  }

  /** Declares a resource whose records this package holds (before its first batch). */
  open(resource: string, hints: ResourceHints): void {
    this.resources.set(resource, hints);
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
        `${this.options.fileStem ?? "t"}${this.writers.size}`,
        onClosed === undefined
          ? this.options.files
          : {
              ...this.options.files,
              onFileClosed: (f) => {
                this.reported.add(f);
                // Every file closed until now was written under the schema so far (schemas only grow).
                onClosed(table, f, this.normalizer.schema());
              },
            },
      );
      this.writers.set(table, w);
    }
    w.write(recordToJson(row));
  };

  /**
   * Stops here and hands the package on (between batches): every file is closed, fsynced and, when
   * loading overlaps, reported as closed, so the normalizer that goes on writes only files of its own.
   */
  handoff(): PackageContinuation {
    this.close();
    const files: PackageContinuation["files"] = { ...this.earlier };
    for (const [table, w] of this.writers) {
      files[table] = {
        files: [...(files[table]?.files ?? []), ...w.files],
        rows: (files[table]?.rows ?? 0) + w.rows,
      };
      const last = w.files[w.files.length - 1];
      if (last !== undefined && !this.reported.has(last))
        this.options.onFileClosed?.(table, last, this.normalizer.schema());
    }
    return {
      normalizer: this.normalizer.continuation(),
      resources: [...this.resources],
      files,
      seq: this.seq,
      records: this.records,
      discarded: this.discarded,
    };
  }

  /** Flushes and fsyncs every file; returns the schema and the per-table file lists for the manifest. */
  finish(): NormalizeStageResult {
    const started = performance.now();
    this.close();
    const schema = this.normalizer.schema();
    const tables: PackageTable[] = [];
    for (const t of Object.values(schema.tables)) {
      const w = this.writers.get(t.name);
      const before = this.earlier[t.name];
      if (w === undefined && before === undefined && !this.resources.has(t.resource)) continue;
      tables.push({
        table: t.name,
        files: [...(before?.files ?? []), ...(w?.files ?? [])].map((f) =>
          relative(this.options.packageDir, f),
        ),
        rowCount: (before?.rows ?? 0) + (w?.rows ?? 0),
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
