import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { resolveWriteDisposition } from "../core/resource.js";
import { C_STAGING_ROW } from "../destinations/sql/system-tables.js";
import type { PackageTable } from "../destinations/types.js";
import { NdjsonWriter, type NdjsonWriterOptions, readNdjsonLines } from "../extract/ndjson-files.js";
import { recordToJson } from "../extract/record-json.js";
import { Normalizer } from "../normalize/normalizer.js";
import type { StoredSchema } from "../schema/types.js";
import type { PackageManifest } from "./package-store.js";

export interface NormalizeStageOptions {
  packageDir: string;
  manifest: PackageManifest;
  /** Schema before this package (the previous package's, or the restored one); null on a first run. */
  schema: StoredSchema | null;
  schemaName: string;
  maxIdentifierLength: number;
  files?: NdjsonWriterOptions;
  /** Called every few thousand records, and once at the end. */
  onProgress?: (records: number) => void;
}

export interface NormalizeStageResult {
  schema: StoredSchema;
  /** Every table of the package's resources, including tables without rows (replace empties them). */
  tables: PackageTable[];
  records: number;
  discarded: number;
}

/**
 * Reads a package's extracted files line by line, normalizes each record, and writes one NDJSON file set
 * per table. Rows of merge tables carry `_sluice_rec` (the record's sequence number) so the loader can
 * keep the last record per key together with exactly its own child rows.
 */
export async function normalizePackage(options: NormalizeStageOptions): Promise<NormalizeStageResult> {
  const { packageDir, manifest } = options;
  const outDir = join(packageDir, "normalized");
  mkdirSync(outDir, { recursive: true });
  const normalizer = new Normalizer(options.schema, options.schemaName, {
    maxIdentifierLength: options.maxIdentifierLength,
  });
  const writers = new Map<string, NdjsonWriter>();
  let seq = 0;
  let tagged = false;
  const writerFor = (table: string): NdjsonWriter => {
    let w = writers.get(table);
    if (w === undefined) {
      w = new NdjsonWriter(outDir, `t${writers.size}`, options.files);
      writers.set(table, w);
    }
    return w;
  };
  const sink = (table: string, row: Record<string, unknown>): void => {
    if (tagged) row[C_STAGING_ROW] = seq;
    writerFor(table).write(recordToJson(row));
  };
  let records = 0;
  let discarded = 0;
  try {
    for (const [resource, entry] of Object.entries(manifest.resources)) {
      normalizer.registerResource(resource, entry.hints);
      tagged = resolveWriteDisposition(entry.hints.write_disposition).disposition === "merge";
      for (const file of entry.files) {
        for await (const lines of readNdjsonLines(join(packageDir, file))) {
          for (const line of lines) {
            seq++;
            if (!normalizer.normalize(resource, JSON.parse(line), manifest.load_id, sink)) discarded++;
          }
          records += lines.length;
          options.onProgress?.(records);
        }
      }
    }
  } finally {
    for (const w of writers.values()) w.close();
  }
  const schema = normalizer.schema();
  const resources = new Set(Object.keys(manifest.resources));
  const tables: PackageTable[] = [];
  for (const t of Object.values(schema.tables)) {
    const w = writers.get(t.name);
    if (w === undefined && !resources.has(t.resource)) continue;
    tables.push({
      table: t.name,
      files: (w?.files ?? []).map((f) => relative(packageDir, f)),
      rowCount: w?.rows ?? 0,
    });
  }
  options.onProgress?.(records);
  return { schema, tables, records, discarded };
}
