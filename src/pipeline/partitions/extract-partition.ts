import { mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { SluiceError } from "../../core/errors.js";
import type { DataRecord, JsonObject, JsonValue } from "../../core/json.js";
import { parseJson } from "../../core/json-parse.js";
import { NdjsonWriter, readNdjsonLines } from "../../core/ndjson-files.js";
import { recordToJson } from "../../core/record-json.js";
import { resource as makeResource, type Resource, type ResourceHints } from "../../core/resource.js";
import { extractResources, type RecordSink } from "../../extract/extractor.js";
import type { PackageTable } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import { writeJsonAtomic } from "../atomic-file.js";
import { crashPoint } from "../crash-points.js";
import { type PackageContinuation, PackageNormalizer } from "../normalize-stage.js";
import type { PartitionProgress, PartitionSpec, PartitionSummary, RunPlan } from "./partition-plan.js";
import type { RunBase } from "./plan-run.js";
import { BASE_FILE, type PartitionRunContext, runResources, subtree } from "./run-context.js";

/**
 * Where a partition stood at its last checkpoint: the next page (or parent record) to read, the files
 * sealed so far (normalized and raw), and each resource's state then. A retried activity resumes here.
 */
export interface PartitionCheckpoint {
  next: number;
  continuation: PackageContinuation;
  raw: Record<string, RawFiles>;
  states: Record<string, JsonObject>;
  progress: PartitionProgress;
}

/** A resource's records as extracted (NDJSON): for its children's partitions, and to normalize again. */
export interface RawFiles {
  files: string[];
  count: number;
}

/** What a sealed partition holds, paths relative to its directory. */
export interface PartitionResult {
  summary: PartitionSummary;
  spec: PartitionSpec;
  tables: PackageTable[];
  /** Resources normalized into `tables`, in the order they were opened. */
  normalized: Array<[string, ResourceHints]>;
  raw: Record<string, RawFiles>;
  states: Record<string, JsonObject>;
}

export const PARTITION_SCHEMA = "schema.json";

/** Record sequence numbers per partition: merge keeps the last record per key across partitions in order. */
const SEQ_SPAN = 2 ** 32;
/** A partition checkpoints at most this often: each checkpoint closes and fsyncs its files. */
const CHECKPOINT_MS = 1000;

export interface PartitionHooks {
  /** The activity's attempt, from 1: names this attempt's files apart from a dead attempt's. */
  attempt: number;
  /** The last checkpoint a previous attempt reported. */
  resumeFrom?: PartitionCheckpoint;
  /** Reports progress and the latest checkpoint (Temporal heartbeats). */
  heartbeat(progress: PartitionProgress, checkpoint: PartitionCheckpoint | undefined): void;
}

/**
 * Extracts and normalizes one partition into its directory on partition storage and seals it. A sealed
 * partition is returned as it is (a retry after the worker finished but before it reported). With a
 * checkpoint from an attempt that died, it goes on from there: the sealed files are kept and the pages
 * (or parent records) before the checkpoint are not read again.
 */
export async function extractPartition(
  ctx: PartitionRunContext,
  plan: RunPlan,
  spec: PartitionSpec,
  hooks: PartitionHooks,
): Promise<PartitionSummary> {
  const sealed = await ctx.storage.open(plan.runKey, spec.key);
  if (sealed !== null) return (sealed.result as unknown as PartitionResult).summary;
  const started = performance.now();
  const base = (await ctx.storage.readRunFile(plan.runKey, BASE_FILE)) as unknown as RunBase | null;
  if (base === null)
    throw new SluiceError(`run ${plan.runKey}: its base state is missing from ${ctx.storage.location}`, {
      code: "PARTITION_STORAGE",
      hint: "Every worker must reach the same partition storage (--storage); start the run again.",
    });
  const dir = await ctx.storage.workDir(plan.runKey, spec.key);
  const { byName, written } = runResources(ctx);
  const own = spec.kind === "parents" ? subtree(ctx.resources, spec.resource) : [spec.resource];
  const resume = resumable(spec, own, byName) ? hooks.resumeFrom : undefined;
  const start = resume?.next ?? (spec.kind === "resource" ? 0 : spec.from);

  const sink = new PartitionSink(dir, hooks.attempt, resume, {
    packageDir: dir,
    loadId: plan.loadId,
    schema: base.schema,
    schemaName: plan.pipelineName,
    maxIdentifierLength: ctx.pipeline.destination.capabilities.maxIdentifierLength,
    seqStart: spec.ordinal * SEQ_SPAN,
  });
  for (const name of own) if (written.has(name)) sink.normalize.add(name);

  let resources: Resource[];
  if (spec.kind === "parents") {
    const parent = byName.get(spec.parent);
    const source = await ctx.storage.open(plan.runKey, spec.source);
    const files = (source?.result as unknown as PartitionResult | undefined)?.raw[spec.parent];
    if (parent === undefined || source === null || files === undefined)
      throw new SluiceError(`partition ${spec.key}: the records of parent "${spec.parent}" are missing`, {
        code: "PARTITION_STORAGE",
        hint: "Every worker must reach the same partition storage (--storage); start the run again.",
      });
    const paths = files.files.map((f) => join(source.dir, f));
    const feed = makeResource(
      parent.name,
      (rctx) => parentRecords(paths, start, spec.to, (next) => rctx.onPageDone?.(next)),
      { ...(parent.hints as ResourceHints), selected: false },
    );
    resources = [feed, ...own.map((n) => byName.get(n)!)];
  } else {
    const root = byName.get(spec.resource)!;
    // Read (and kept raw for its children) even when unselected; normalized only when written.
    const window = spec.kind === "pages" ? { from: start, to: spec.to } : undefined;
    resources = [
      {
        ...root,
        hints: { ...root.hints, selected: true },
        read: (rctx, parentRecord) => root.read(window ? { ...rctx, window } : rctx, parentRecord),
      },
    ];
  }
  const only = own.filter((n) => written.has(n) || n === spec.resource);
  const progress: PartitionProgress = resume?.progress ?? { records: {}, pages: 0, requests: 0 };
  const attemptPages = new Map<string, number>();
  const attemptRequests = new Map<string, number>();
  let lastCheckpoint = performance.now();
  let checkpoint = resume;
  const beat = setInterval(() => hooks.heartbeat(progress, checkpoint), 1000);
  beat.unref();
  let result: Awaited<ReturnType<typeof extractResources>>;
  try {
    result = await extractResources({
      sink,
      resources,
      only: spec.kind === "parents" ? only.filter((n) => n !== spec.parent) : [spec.resource],
      state: base.state.resources as Record<string, JsonObject>,
      logger: ctx.logger,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      onItem: (name, records, metrics) => {
        crashPoint("extract");
        progress.records[name] = (resume?.progress.records[name] ?? 0) + records;
        attemptPages.set(name, metrics.pages);
        attemptRequests.set(name, metrics.requests);
        progress.pages = (resume?.progress.pages ?? 0) + sum(attemptPages);
        progress.requests = (resume?.progress.requests ?? 0) + sum(attemptRequests);
      },
      onPageDone: (_name, next, states) => {
        hooks.heartbeat(progress, checkpoint);
        if (performance.now() - lastCheckpoint < CHECKPOINT_MS) return;
        checkpoint = sink.checkpoint(next, ownStates(states(), own), progress);
        lastCheckpoint = performance.now();
        hooks.heartbeat(progress, checkpoint);
      },
    });
    ctx.signal?.throwIfAborted();
  } catch (err) {
    sink.close();
    throw err;
  } finally {
    clearInterval(beat);
  }
  const finished = sink.finish();
  let states = ownStates(result.state, own);
  if (resume !== undefined)
    states = Object.fromEntries(
      Object.entries(states).map(([name, s]) => {
        const before = resume.states[name];
        const r = byName.get(name);
        return [name, before === undefined || r?.mergeStates === undefined ? s : r.mergeStates([before, s])];
      }),
    );
  const summary: PartitionSummary = {
    key: spec.key,
    records: Object.fromEntries(
      Object.entries(progress.records).filter(([name]) => written.has(name) && own.includes(name)),
    ),
    pages: progress.pages,
    requests: progress.requests,
    retries: Object.values(result.metrics).reduce((n, m) => n + m.retries, 0),
    ms: Math.round(performance.now() - started),
    attempt: hooks.attempt,
    resumed: resume !== undefined,
  };
  const rootRaw = finished.raw[spec.resource];
  if (spec.kind !== "parents" && plan.children[spec.resource] !== undefined)
    summary.parentRecords = rootRaw?.count ?? 0;
  writeJsonAtomic(join(dir, PARTITION_SCHEMA), finished.schema);
  const sealedResult: PartitionResult = {
    summary,
    spec,
    tables: finished.tables,
    normalized: finished.normalized,
    raw: finished.raw,
    states,
  };
  await ctx.storage.seal(plan.runKey, spec.key, sealedResult as unknown as JsonValue);
  crashPoint("sealed");
  return summary;
}

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/** Resuming needs a position to go on from and a way to merge the state read before it with the rest. */
function resumable(spec: PartitionSpec, own: readonly string[], byName: Map<string, Resource>): boolean {
  if (spec.kind === "resource") return false;
  return own.every((n) => byName.get(n)?.mergeStates !== undefined);
}

function ownStates(
  states: { [name: string]: JsonObject },
  own: readonly string[],
): Record<string, JsonObject> {
  return Object.fromEntries(
    own.filter((n) => states[n] !== undefined).map((n) => [n, structuredClone(states[n]!)]),
  );
}

/** Parent records [from, to) of a parent partition's raw files, in batches, each followed by a checkpoint chance. */
async function* parentRecords(
  files: readonly string[],
  from: number,
  to: number,
  done: (next: number) => Promise<void> | void,
): AsyncIterable<DataRecord[]> {
  const BATCH = 8;
  let index = 0;
  let batch: DataRecord[] = [];
  for (const file of files)
    for await (const lines of readNdjsonLines(file))
      for (const line of lines) {
        if (index >= to) break;
        if (index++ < from) continue;
        batch.push(parseJson(line) as DataRecord);
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
          await done(index);
        }
      }
  if (batch.length > 0) {
    yield batch;
    await done(index);
  }
}

/**
 * The partition's record sink: every record is kept raw (children read their parents' records from it;
 * the load normalizes them again if partitions' schemas disagree) and the written resources' records are
 * normalized. A checkpoint closes and fsyncs both and goes on in new files.
 */
class PartitionSink implements RecordSink {
  readonly normalize = new Set<string>();
  private normalizer: PackageNormalizer;
  private raw = new Map<string, NdjsonWriter>();
  private sealedRaw: Record<string, RawFiles>;
  private generation = 0;
  private readonly opened: Array<[string, ResourceHints]> = [];

  constructor(
    private readonly dir: string,
    private readonly attempt: number,
    resume: PartitionCheckpoint | undefined,
    private readonly options: ConstructorParameters<typeof PackageNormalizer>[0],
  ) {
    this.sealedRaw = structuredClone(resume?.raw ?? {});
    this.normalizer = this.nextNormalizer(resume?.continuation);
  }

  private nextNormalizer(from: PackageContinuation | undefined): PackageNormalizer {
    return new PackageNormalizer({
      ...this.options,
      fileStem: `a${this.attempt}g${this.generation++}t`,
      ...(from === undefined ? {} : { from }),
    });
  }

  open(resource: string, hints: ResourceHints): void {
    if (this.normalize.has(resource)) {
      this.opened.push([resource, hints]);
      this.normalizer.open(resource, hints);
    }
  }

  write(resource: string, batch: readonly DataRecord[]): void {
    let w = this.raw.get(resource);
    if (w === undefined) {
      mkdirSync(join(this.dir, "raw"), { recursive: true });
      w = new NdjsonWriter(join(this.dir, "raw"), `a${this.attempt}g${this.generation}r${this.raw.size}`);
      this.raw.set(resource, w);
    }
    for (const record of batch) w.write(recordToJson(record));
    if (this.normalize.has(resource)) this.normalizer.write(resource, batch);
  }

  private closeRaw(): void {
    for (const [resource, w] of this.raw) {
      const files = w.close();
      const have = this.sealedRaw[resource] ?? { files: [], count: 0 };
      this.sealedRaw[resource] = have;
      have.files.push(...files.map((f) => relative(this.dir, f)));
      have.count += w.rows;
    }
    this.raw = new Map();
  }

  checkpoint(
    next: number,
    states: Record<string, JsonObject>,
    progress: PartitionProgress,
  ): PartitionCheckpoint {
    const continuation = this.normalizer.handoff();
    this.closeRaw();
    this.normalizer = this.nextNormalizer(continuation);
    return {
      next,
      continuation,
      raw: structuredClone(this.sealedRaw),
      states,
      progress: structuredClone(progress),
    };
  }

  finish(): {
    schema: StoredSchema;
    tables: PackageTable[];
    raw: Record<string, RawFiles>;
    normalized: Array<[string, ResourceHints]>;
  } {
    const result = this.normalizer.finish();
    this.closeRaw();
    return { schema: result.schema, tables: result.tables, raw: this.sealedRaw, normalized: this.opened };
  }

  close(): void {
    this.normalizer.close();
    for (const w of this.raw.values()) w.close();
  }
}
