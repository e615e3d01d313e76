import { SluiceError } from "../core/errors.js";
import type { DataRecord } from "../core/json.js";
import { type Logger, silentLogger } from "../core/logger.js";
import type { RequestRecord, Resource, ResourceContext } from "../core/resource.js";
import { asBatch } from "../extract/extractor.js";
import { type RecordListCandidate, SelectorMissError } from "../http/selector.js";
import { Normalizer } from "../normalize/index.js";
import type { StoredSchema } from "../schema/types.js";

export interface PreviewOptions {
  /** Resources to preview (their parents are fetched as needed); default every selected resource. */
  resources?: readonly string[];
  /** Pages read per resource (per parent record, for a child). Default 2. */
  pages?: number;
  /** Parent records whose children are read. Default 3. */
  parentRecords?: number;
  /** Rows kept per table. Default 5. */
  rows?: number;
  /** Longest identifier of the destination the names are made for (sluice run's default destination: DuckDB). */
  maxIdentifierLength: number;
  schemaName?: string;
  logger?: Logger;
  signal?: AbortSignal;
}

/** What reading one resource gave: its requests, and how it ended. */
export interface PreviewedResource {
  name: string;
  parent?: string;
  /** False for a parent read only for its children: its rows would not load. */
  selected: boolean;
  pages: number;
  records: number;
  requests: RequestRecord[];
  /** For a child: the parent records it was read for. */
  parentRecords?: number;
  /** `pages`: the preview's page limit stopped it; `end`: it had no more; `error`: it failed. */
  ended: "pages" | "end" | "error";
  error?: { code: string; message: string; hint?: string; candidates?: RecordListCandidate[] };
}

export interface PreviewTable {
  name: string;
  resource: string;
  parent?: string;
  /** The first rows, as they would load (system columns included). */
  rows: Record<string, unknown>[];
  /** Rows this table got in the preview. */
  rowCount: number;
  /** Columns the resource's `columns` hints shaped (root tables). */
  hinted: string[];
}

export interface PreviewResult {
  resources: PreviewedResource[];
  tables: PreviewTable[];
  /** The schema a first run would create from these records. */
  schema: StoredSchema;
}

const PREVIEW_LOAD_ID = "preview";

/**
 * Reads the first pages of each resource and normalizes them in memory: the requests, the rows and the
 * schema a run would produce, with nothing written anywhere (no working dir, no destination, no state).
 * Children are read for the first few parent records only. A resource that fails is reported with its
 * error (for a selector that missed, the lists the response does have) and the others go on.
 */
export async function previewResources(
  resources: readonly Resource[],
  options: PreviewOptions,
): Promise<PreviewResult> {
  const pages = options.pages ?? 2;
  const parentLimit = options.parentRecords ?? 3;
  const rowLimit = options.rows ?? 5;
  const logger = options.logger ?? silentLogger;
  const signal = options.signal ?? new AbortController().signal;
  const byName = new Map(resources.map((r) => [r.name, r]));
  const wanted = options.resources ?? resources.filter((r) => r.hints.selected !== false).map((r) => r.name);
  const unknown = wanted.filter((n) => !byName.has(n));
  if (unknown.length > 0)
    throw new SluiceError(`Unknown resource${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      code: "RESOURCE_UNKNOWN",
      hint: `Available resources: ${[...byName.keys()].join(", ")}.`,
    });
  const written = new Set(wanted);
  const running = new Set<string>();
  for (const name of wanted)
    for (let r = byName.get(name); r !== undefined && !running.has(r.name); r = byName.get(r.parent ?? ""))
      running.add(r.name);
  const ordered = resources.filter((r) => running.has(r.name));

  const normalizer = new Normalizer(null, options.schemaName ?? "preview", {
    maxIdentifierLength: options.maxIdentifierLength,
  });
  const tables = new Map<string, { rows: Record<string, unknown>[]; count: number }>();
  const sink = (table: string, row: Record<string, unknown>): void => {
    let t = tables.get(table);
    if (t === undefined) {
      t = { rows: [], count: 0 };
      tables.set(table, t);
    }
    t.count++;
    if (t.rows.length < rowLimit) t.rows.push(row);
  };
  const report = new Map<string, PreviewedResource>();
  for (const r of ordered) {
    if (written.has(r.name)) normalizer.registerResource(r.name, r.hints);
    report.set(r.name, {
      name: r.name,
      ...(r.parent === undefined ? {} : { parent: r.parent, parentRecords: 0 }),
      selected: written.has(r.name),
      pages: 0,
      records: 0,
      requests: [],
      ended: "end",
    });
  }

  const read = async (resource: Resource, parentRecord?: DataRecord): Promise<DataRecord[]> => {
    const entry = report.get(resource.name)!;
    if (entry.ended === "error") return [];
    if (parentRecord !== undefined) entry.parentRecords = (entry.parentRecords ?? 0) + 1;
    const ctx: ResourceContext = {
      state: {},
      signal,
      logger: logger.child({ resource: resource.name }),
      metrics: { pages: 0, records: 0, retries: 0, requests: 0 },
      onRequest: (request) => entry.requests.push(request),
    };
    const records: DataRecord[] = [];
    let read = 0;
    try {
      for await (const item of resource.read(ctx, parentRecord)) {
        const batch = asBatch(item);
        records.push(...batch);
        entry.pages++;
        entry.records += batch.length;
        if (written.has(resource.name))
          for (const record of batch) normalizer.normalize(resource.name, record, PREVIEW_LOAD_ID, sink);
        if (++read >= pages) {
          // The page limit stopped it only if the paginator would have gone on.
          const last = entry.requests.findLast((q) => q.page !== undefined);
          if (last?.page?.next.startsWith("stop:") !== true) entry.ended = "pages";
          break;
        }
      }
    } catch (err) {
      if (signal.aborted) throw err;
      entry.ended = "error";
      entry.error = describeError(err);
    }
    return records;
  };

  const visit = async (resource: Resource, parentRecord?: DataRecord): Promise<void> => {
    const records = await read(resource, parentRecord);
    for (const child of ordered.filter((r) => r.parent === resource.name))
      for (const record of records.slice(0, parentLimit)) await visit(child, record);
  };
  for (const root of ordered.filter((r) => r.parent === undefined)) await visit(root);

  const schema = normalizer.schema();
  return {
    resources: [...report.values()],
    tables: Object.values(schema.tables).map((t) => {
      const hints = t.parent === undefined ? Object.keys(byName.get(t.resource)?.hints.columns ?? {}) : [];
      const sourceName = (c: string) => (JSON.parse(t.source_names?.[c] ?? "[]") as string[]).join(".");
      return {
        name: t.name,
        resource: t.resource,
        ...(t.parent === undefined ? {} : { parent: t.parent }),
        rows: tables.get(t.name)?.rows ?? [],
        rowCount: tables.get(t.name)?.count ?? 0,
        hinted: Object.keys(t.columns).filter((c) => hints.includes(c) || hints.includes(sourceName(c))),
      };
    }),
    schema,
  };
}

function describeError(err: unknown): NonNullable<PreviewedResource["error"]> {
  if (err instanceof SluiceError)
    return {
      code: err.code,
      message: err.message,
      ...(err.hint === undefined ? {} : { hint: err.hint }),
      ...(err instanceof SelectorMissError ? { candidates: err.candidates } : {}),
    };
  return { code: "EXTRACT_FAILED", message: err instanceof Error ? err.message : String(err) };
}
