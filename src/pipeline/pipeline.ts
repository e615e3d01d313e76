import { availableParallelism, homedir } from "node:os";
import { join, resolve } from "node:path";
import { SluiceError } from "../core/errors.js";
import type { JsonObject } from "../core/json.js";
import { type Logger, silentLogger } from "../core/logger.js";
import type { NdjsonWriterOptions } from "../core/ndjson-files.js";
import {
  type Resource,
  resolveWriteDisposition,
  type Source,
  type SourceConcurrency,
} from "../core/resource.js";
import { type DestinationOptions, resolveDestination } from "../destinations/registry.js";
import type {
  Destination,
  DestinationClient,
  DestinationContext,
  StreamingLoad,
} from "../destinations/types.js";
import { extractResources } from "../extract/extractor.js";
import type { LoadPackage, PipelineState } from "../load/package.js";
import type { StoredSchema } from "../schema/types.js";
import { schemaContentHash } from "../schema/version.js";
import { readJsonFile, writeJsonAtomic } from "./atomic-file.js";
import { crashPoint } from "./crash-points.js";
import {
  failureOf,
  packageCommands,
  packageLoadError,
  retriesAutomatically,
  setAsideWarning,
} from "./failed-packages.js";
import type { DatasetReader } from "./live-reads.js";
import type { LoadInfo, PackageInfo, ProgressEvent } from "./load-info.js";
import { commitStreamed, type LoadOutcome, loadPackage } from "./load-stage.js";
import type { NormalizeStageResult } from "./normalize-stage.js";
import { PACKAGE_SCHEMA, PACKAGE_STATE, type PackageManifest, PackageStore } from "./package-store.js";
import { acquireRunLock } from "./run-lock.js";
import { emptyState, LocalStateStore, type SchemaVersionRecord } from "./state-store.js";
import { ThreadedNormalizer } from "./threaded-normalizer.js";

export interface PipelineOptions {
  pipeline_name: string;
  /** `duckdb` (default), another registered name, a `scheme://` URL, or a Destination object. */
  destination?: string | Destination;
  /** Per-destination options, e.g. `{ duckdb: { path: "data/x.duckdb" } }`. */
  destination_options?: DestinationOptions;
  /** Default `<pipeline_name>_dataset`. */
  dataset_name?: string;
  /** Parent of the working dir. Default `$SLUICE_PIPELINES_DIR` or `~/.sluice/pipelines`. */
  pipelines_dir?: string;
  /** Drop the dataset's tables, the state and pending packages before the first run of this object. */
  full_refresh?: boolean;
  logger?: Logger;
  progress?: (event: ProgressEvent) => void;
  /** Root resources extracted at once (default 4) and children per parent page (default 8); wins over the source's. */
  concurrency?: SourceConcurrency;
  /** Package file tuning (rotation size, write buffer, fsync). */
  files?: NdjsonWriterOptions;
  /**
   * Load package files into the destination while extraction goes on (default true where the destination
   * can: DuckDB and PostgreSQL), in one transaction committed with the rest of the package.
   */
  overlap_load?: boolean;
  /** Records of a package normalized on the main thread before a second thread takes over (default 20,000). */
  normalize_thread_after?: number;
}

/** Below this many records a package is normalized on the main thread: a worker's start-up would not pay. */
const NORMALIZE_THREAD_AFTER = 20_000;

/**
 * A second normalizing thread pays only with a core to itself: on 2 cores, where the destination's own
 * threads (and often the API) share them, `npm run bench` measured it no faster, with more memory.
 */
function normalizeThreadByDefault(): boolean {
  return availableParallelism() > 2;
}

/** Package files rotate this often while a load is overlapped: each closed file is a chunk the destination loads. */
const OVERLAP_FILE_BYTES = 16 * 1024 * 1024;

export interface RunOptions {
  /** Only these resources (their parents run as needed, unwritten). */
  resources?: string[];
  /**
   * Stops the run early (Ctrl-C, SIGTERM): fetching stops, the package being extracted is discarded, a
   * load in progress finishes (it is one transaction), and `run` rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface DropOptions {
  /** Drop these resources' tables and state; omitted = the whole dataset, the state and the working dir's packages. */
  resources?: string[];
}

export function defaultPipelinesDir(): string {
  return process.env["SLUICE_PIPELINES_DIR"] ?? join(homedir(), ".sluice", "pipelines");
}

/** Creates a pipeline: `pipeline({ pipeline_name: "analytics" }).run(source)`. */
export function pipeline(options: PipelineOptions): Pipeline {
  return new Pipeline(options);
}

export class Pipeline {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly workingDir: string;
  readonly destination: Destination;
  private readonly logger: Logger;
  private readonly packages: PackageStore;
  private readonly local: LocalStateStore;
  private refreshPending: boolean;
  /** The client of the run (or retry) in progress in this process: reads go through it meanwhile. */
  private active: DestinationClient | undefined;

  constructor(private readonly options: PipelineOptions) {
    if (!options.pipeline_name || /[/\\]/.test(options.pipeline_name))
      throw new SluiceError(`Invalid pipeline name "${options.pipeline_name}"`, {
        code: "PIPELINE_NAME",
        hint: "Use a name without slashes, e.g. the config file's stem.",
      });
    this.pipelineName = options.pipeline_name;
    this.datasetName = options.dataset_name ?? `${options.pipeline_name}_dataset`;
    this.workingDir = resolve(options.pipelines_dir ?? defaultPipelinesDir(), options.pipeline_name);
    this.destination = resolveDestination(options.destination ?? "duckdb", options.destination_options);
    this.logger = (options.logger ?? silentLogger).child({ pipeline: options.pipeline_name });
    this.packages = new PackageStore(this.workingDir);
    this.local = new LocalStateStore(this.workingDir);
    this.refreshPending = options.full_refresh === true;
  }

  private get context(): DestinationContext {
    return {
      pipelineName: this.pipelineName,
      datasetName: this.datasetName,
      workingDir: this.workingDir,
      logger: this.logger,
    };
  }

  /** Where the data lands, for summaries (no secrets). */
  get destinationLocation(): string {
    return this.destination.describeLocation(this.context);
  }

  /** A connected destination client for inspection; the caller closes it. */
  async destinationClient(): Promise<DestinationClient> {
    const client = await this.destination.connect(this.context);
    await client.initialize();
    return client;
  }

  /**
   * Extract → normalize → load. Packages left pending by an interrupted run are completed first (each
   * exactly once), then the resources are extracted into a new package and loaded.
   */
  async run(input: Source | Resource | readonly Resource[], options: RunOptions = {}): Promise<LoadInfo> {
    const started = performance.now();
    const resources = toResources(input);
    const concurrency: SourceConcurrency = {
      ...("resources" in input && !Array.isArray(input) ? (input as Source).concurrency : undefined),
      ...definedOnly(this.options.concurrency),
    };
    this.checkCapabilities(resources);
    const info: LoadInfo = {
      pipelineName: this.pipelineName,
      datasetName: this.datasetName,
      destination: { name: this.destination.name, location: this.destinationLocation },
      loadIds: [],
      packages: [],
      rowCounts: {},
      records: {},
      timings: { extractMs: 0, normalizeMs: 0, loadMs: 0, totalMs: 0 },
    };
    await this.withLockedClient(async (client) => {
      if (this.refreshPending) {
        await this.wipe(client);
        this.refreshPending = false;
      }
      await this.syncFromDestination(client);
      for (const manifest of this.packages.pending()) {
        options.signal?.throwIfAborted();
        if (manifest.status === "new") {
          // Extraction never finished: its state was not committed, so the next extract reads the same data.
          this.logger.info(`discarding incomplete package ${manifest.load_id}`, {
            load_id: manifest.load_id,
          });
          this.packages.remove(manifest.load_id);
          continue;
        }
        if (manifest.status === "failed") {
          const safe = this.loadIsSafe(manifest);
          if (!retriesAutomatically(manifest, safe)) {
            // Retrying a refusal on every run is what kept pipelines stuck: set it aside, say how to fix.
            this.logger.warn(setAsideWarning(this.pipelineName, manifest, !safe), {
              load_id: manifest.load_id,
            });
            continue;
          }
          this.logger.info(`retrying package ${manifest.load_id} once: its load failed transiently`, {
            load_id: manifest.load_id,
          });
        } else
          this.logger.info(`completing pending package ${manifest.load_id}`, { load_id: manifest.load_id });
        info.packages.push(await this.finishPackage(client, manifest, true, info));
      }
      if (resources.length > 0) {
        options.signal?.throwIfAborted();
        const { manifest, streaming } = await this.extract(client, resources, concurrency, options, info);
        info.packages.push(await this.finishPackage(client, manifest, false, info, streaming));
      }
    });
    for (const p of info.packages) {
      info.loadIds.push(p.loadId);
      for (const [t, n] of Object.entries(p.rowCounts)) info.rowCounts[t] = (info.rowCounts[t] ?? 0) + n;
    }
    info.timings.totalMs = performance.now() - started;
    return info;
  }

  /**
   * Read-only access to the dataset, for viewers: through the client of a run in progress in this process
   * (a DuckDB file admits one process), else through a read-only connection of its own, closed after `fn`.
   */
  async withReader<T>(
    fn: (reader: DatasetReader) => Promise<T>,
    options: { runOnly?: boolean } = {},
  ): Promise<T> {
    if (this.active !== undefined) return fn(this.active);
    // The run's read endpoint: between the run's start and its database being open (or after it closed),
    // opening the file here would race the run for it.
    if (options.runOnly)
      throw new SluiceError("The run is not connected to its destination at this moment", {
        code: "RUN_STARTING",
        hint: "Retry in a moment: the run is opening or closing its database.",
      });
    const client = await this.destination.connect({ ...this.context, readOnly: true });
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** The working dir's copy of the committed state, without reaching the destination; null if none. */
  localState(): PipelineState | null {
    return this.local.readState();
  }

  /** The working dir's newest schema, without reaching the destination; null before any run. */
  localSchema(): StoredSchema | null {
    return this.local.readSchema();
  }

  /** Committed schema versions kept in the working dir, oldest first. */
  schemaHistory(): SchemaVersionRecord[] {
    return this.local.schemaHistory();
  }

  /** The last committed state (restored from the destination when the working dir has none). */
  async state(): Promise<PipelineState> {
    const local = this.local.readState();
    if (local !== null) return local;
    const client = await this.destinationClient();
    try {
      await this.syncFromDestination(client);
    } finally {
      await client.close();
    }
    return this.local.readState() ?? emptyState(this.pipelineName);
  }

  /** The newest schema (restored from the destination when the working dir has none); null before any load. */
  async schema(): Promise<StoredSchema | null> {
    const local = this.local.readSchema();
    if (local !== null) return local;
    await this.state();
    return this.local.readSchema();
  }

  /**
   * Deletes packages not yet loaded (e.g. one whose load keeps failing). Their state was never committed,
   * so the next run extracts their data again.
   */
  dropPendingPackages(): string[] {
    const ids = this.packages.pending().map((m) => m.load_id);
    for (const id of ids) this.packages.remove(id);
    return ids;
  }

  /** Load packages in the working dir, oldest first (loaded ones keep their manifest). */
  listPackages(): PackageManifest[] {
    return this.packages.list();
  }

  /**
   * Packages not loaded (new, normalized, failed), oldest first, each with whether loading it now is safe:
   * false once a newer load has committed (its data was extracted again; see failed-packages.ts).
   */
  pendingPackages(): Array<{ manifest: PackageManifest; loadable: boolean }> {
    return this.packages
      .pending()
      .map((manifest) => ({ manifest, loadable: manifest.status !== "new" && this.loadIsSafe(manifest) }));
  }

  /**
   * Loads one failed (or pending) package now, exactly once. Refused when a newer load has committed
   * since the package was extracted: loading it then would duplicate or roll back rows and state.
   */
  async retryPackage(loadId: string): Promise<PackageInfo> {
    return this.withLockedClient(async (client) => {
      const manifest = this.requirePending(loadId);
      if (manifest.status === "new")
        throw new SluiceError(`Package ${loadId} is incomplete: its extraction never finished`, {
          code: "PACKAGE_INCOMPLETE",
          hint: `Nothing of it can be loaded; drop it (\`${packageCommands(this.pipelineName, loadId).drop}\`) or let the next run discard it.`,
        });
      await this.syncFromDestination(client);
      if (!this.loadIsSafe(manifest) && !(await client.isLoaded(loadId)))
        throw new SluiceError(
          `Package ${loadId} cannot be loaded: a newer load has committed since it was extracted`,
          {
            code: "PACKAGE_SUPERSEDED",
            hint: `Its state was never committed, so that newer run extracted its data again; loading it now would load rows twice or roll state back. Drop it: \`${packageCommands(this.pipelineName, loadId).drop}\`.`,
          },
        );
      this.logger.info(`retrying package ${loadId}`, { load_id: loadId });
      return this.finishPackage(client, manifest, true, blankInfo(this));
    });
  }

  /**
   * Deletes packages that are not loaded: the given ones, or every failed one. Their state was never
   * committed, so the next run extracts their data again. Returns the manifests removed.
   */
  dropPackages(which: { loadIds: readonly string[] } | { allFailed: true }): PackageManifest[] {
    const release = acquireRunLock(this.workingDir, this.pipelineName);
    try {
      const targets =
        "allFailed" in which
          ? this.packages.pending().filter((m) => m.status === "failed")
          : which.loadIds.map((id) => this.requirePending(id));
      for (const m of targets) this.packages.remove(m.load_id);
      return targets;
    } finally {
      release();
    }
  }

  /**
   * Drops resources' tables (children included) and their state, committed to the destination like a
   * load, and every package not loaded; without resources, drops the whole dataset, the state and the
   * packages.
   */
  async drop(options: DropOptions = {}): Promise<{ tables: string[]; packages: string[] }> {
    return this.withLockedClient(async (client) => {
      // Every package not loaded was extracted against the state this drop replaces: loading one later
      // would bring back the dropped rows and cursors. Their data is extracted again by the next run.
      const packages = this.packages.pending().map((m) => m.load_id);
      if (options.resources === undefined) {
        const schema = this.local.readSchema();
        await this.wipe(client);
        return { tables: Object.keys(schema?.tables ?? {}), packages };
      }
      await this.syncFromDestination(client);
      const names = new Set(options.resources);
      const schema = this.local.readSchema();
      const state = this.local.readState() ?? emptyState(this.pipelineName);
      const tables = Object.values(schema?.tables ?? {})
        .filter((t) => names.has(t.resource))
        .map((t) => t.name);
      await client.dropTables(tables);
      const resourcesState: { [resource: string]: JsonObject } = { ...state.resources };
      for (const r of names) delete resourcesState[r];
      const nextState: PipelineState = { ...state, version: state.version + 1, resources: resourcesState };
      let nextSchema = schema;
      if (schema !== null) {
        const remaining = Object.fromEntries(
          Object.entries(schema.tables).filter(([n]) => !tables.includes(n)),
        );
        const draft: StoredSchema = { ...schema, tables: remaining };
        nextSchema = { ...draft, version: schema.version + 1, version_hash: schemaContentHash(draft) };
      }
      if (nextSchema !== null) {
        // Recorded like a load without data, so a restore on a fresh machine sees the drop.
        const pkg: LoadPackage = {
          loadId: this.packages.newLoadId(),
          schema: nextSchema,
          tables: [],
          state: nextState,
        };
        await client.commitPackage(pkg);
        this.local.writeSchema(nextSchema);
      }
      this.local.writeState(nextState);
      for (const id of packages) this.packages.remove(id);
      return { tables, packages };
    });
  }

  /** A package not yet loaded, or an error naming the ones there are. */
  private requirePending(loadId: string): PackageManifest {
    // Load ids are numbers (see PackageStore.newLoadId); anything else could point outside the packages dir.
    const manifest = /^\d+(\.\d+)?$/.test(loadId) ? this.packages.read(loadId) : null;
    if (manifest !== null && manifest.status !== "loaded") return manifest;
    const pending = this.packages.pending().map((m) => `${m.load_id} (${m.status})`);
    throw new SluiceError(
      manifest === null
        ? `Pipeline "${this.pipelineName}" has no package ${loadId}`
        : `Package ${loadId} of pipeline "${this.pipelineName}" is already loaded`,
      {
        code: manifest === null ? "PACKAGE_UNKNOWN" : "PACKAGE_LOADED",
        hint: `Packages not loaded: ${pending.join(", ") || "(none)"}; list them with \`sluice pipeline ${this.pipelineName} packages\`.`,
      },
    );
  }

  /** Whether no load has committed since this package was extracted (its state version is still ahead). */
  private loadIsSafe(manifest: PackageManifest): boolean {
    const version = this.packages.stateVersion(manifest.load_id);
    return version !== null && version > (this.local.readState()?.version ?? 0);
  }

  /** Runs `work` holding the pipeline's run lock and a destination client; both are released however it ends. */
  private async withLockedClient<T>(work: (client: DestinationClient) => Promise<T>): Promise<T> {
    const release = acquireRunLock(this.workingDir, this.pipelineName);
    try {
      const client = await this.destinationClient();
      this.active = client;
      try {
        return await work(client);
      } finally {
        this.active = undefined;
        await client.close();
      }
    } finally {
      release();
    }
  }

  private async wipe(client: DestinationClient): Promise<void> {
    const pending = this.packages.pending().length;
    this.logger.info(
      `dropping dataset ${this.datasetName} and the pipeline state${pending > 0 ? `, and ${pending} package${pending === 1 ? "" : "s"} not loaded` : ""}`,
    );
    await client.dropTables([], { all: true });
    await client.initialize();
    this.packages.removeAll();
    this.local.removeAll();
  }

  /** Refuses resources the destination cannot load (a merge strategy it lacks), before anything runs. */
  checkCapabilities(resources: readonly Resource[]): void {
    for (const r of resources) {
      const { strategy } = resolveWriteDisposition(r.hints.write_disposition);
      if (strategy !== undefined && !this.destination.capabilities.mergeStrategies.includes(strategy))
        throw new SluiceError(
          `resource "${r.name}": merge strategy "${strategy}" is not supported by destination ${this.destination.name}`,
          {
            code: "DISPOSITION_UNSUPPORTED",
            hint:
              this.destination.capabilities.mergeStrategies.length > 0
                ? `Use one of: ${this.destination.capabilities.mergeStrategies.join(", ")}.`
                : `Destination ${this.destination.name} cannot merge: use write_disposition append or replace, or load into duckdb or postgres.`,
          },
        );
    }
  }

  /** Adopts the destination's state and schema when they are newer than the working dir's (or it is gone). */
  private async syncFromDestination(client: DestinationClient): Promise<void> {
    const remote = await client.restore();
    if (remote === null) return;
    const local = this.local.readState();
    if (local !== null && local.version >= remote.state.version) return;
    this.logger.info(`restored state version ${remote.state.version} from the destination`);
    this.local.writeState(remote.state);
    const localSchema = this.local.readSchema();
    if (localSchema === null || localSchema.version <= remote.schema.version)
      this.local.writeSchema(remote.schema);
    this.local.recordSchemaVersion(remote.schema);
  }

  private emit(event: ProgressEvent): void {
    this.options.progress?.(event);
  }

  /**
   * Extracts the resources into a new package, normalizing each batch as it arrives, and makes the package
   * durable: normalized files (fsynced), schema, state, then the manifest marked `normalized`.
   */
  private async extract(
    client: DestinationClient,
    resources: readonly Resource[],
    concurrency: SourceConcurrency,
    options: RunOptions,
    info: LoadInfo,
  ): Promise<{ manifest: PackageManifest; streaming: StreamingLoad | undefined }> {
    const loadId = this.packages.newLoadId();
    const manifest = this.packages.create(loadId);
    const dir = this.packages.dir(loadId);
    const previous = this.local.readState() ?? emptyState(this.pipelineName);
    this.emit({ type: "stage_start", stage: "extract", loadId });
    const started = performance.now();
    const streaming =
      this.options.overlap_load !== false && client.openLoad
        ? await client.openLoad(loadId, {
            onChunkLoaded: (table) => {
              crashPoint("streamed");
              this.emit({ type: "load_chunk", loadId, table });
            },
          })
        : undefined;
    const files: NdjsonWriterOptions | undefined = streaming
      ? { maxFileBytes: OVERLAP_FILE_BYTES, ...this.options.files }
      : this.options.files;
    const thread = concurrency.normalize_thread ?? normalizeThreadByDefault();
    const normalizer = new ThreadedNormalizer({
      ...(thread ? { workerAfter: this.options.normalize_thread_after ?? NORMALIZE_THREAD_AFTER } : {}),
      onHandOff: (records) => this.emit({ type: "normalize_thread", loadId, records }),
      packageDir: dir,
      loadId,
      schema: this.local.readSchema(),
      schemaName: this.pipelineName,
      maxIdentifierLength: this.destination.capabilities.maxIdentifierLength,
      ...(files === undefined ? {} : { files }),
      ...(streaming === undefined
        ? {}
        : { onFileClosed: (table, file, schema) => streaming.add(table, file, schema) }),
      onProgress: (records) => {
        crashPoint("normalize");
        this.emit({ type: "normalize_records", loadId, records });
      },
    });
    let extracted: Awaited<ReturnType<typeof extractResources>>;
    let normalized: NormalizeStageResult;
    try {
      extracted = await extractResources({
        sink: normalizer,
        resources,
        ...(options.resources === undefined ? {} : { only: options.resources }),
        state: previous.resources,
        logger: this.logger,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(concurrency.resources === undefined ? {} : { concurrency: concurrency.resources }),
        ...(concurrency.children === undefined ? {} : { childConcurrency: concurrency.children }),
        onRequest: (resource, request) => this.emit({ type: "request", loadId, resource, request }),
        onItem: (resource, records) => {
          crashPoint("extract");
          this.emit({ type: "extract_records", loadId, resource, records });
        },
      });
      // An aborted extract ends early without an error: its package is incomplete, never loaded.
      options.signal?.throwIfAborted();
      normalized = await normalizer.finish();
    } catch (err) {
      // Nothing of this package was committed, its state included, so the next run extracts the same data
      // again; keeping a package that failed (a frozen schema, a bad record) would replay the failure.
      await normalizer.close();
      await streaming?.abort();
      this.packages.remove(loadId);
      if (options.signal?.aborted) throw options.signal.reason;
      throw err;
    }
    const state: PipelineState = {
      pipeline_name: this.pipelineName,
      version: previous.version + 1,
      resources: extracted.state,
    };
    if (normalized.discarded > 0)
      this.logger.warn(
        `${normalized.discarded} of ${normalized.records} records dropped by the schema contract (discard_row, or a table it does not allow)`,
        { load_id: loadId },
      );
    writeJsonAtomic(join(dir, PACKAGE_STATE), state);
    writeJsonAtomic(join(dir, PACKAGE_SCHEMA), normalized.schema);
    // The two stages ran interleaved: normalize is the time spent in the normalizer, extract the rest.
    const wall = performance.now() - started;
    const normalizeMs = normalized.ms;
    const extractMs = Math.max(0, wall - normalizeMs);
    manifest.resources = extracted.resources;
    manifest.tables = normalized.tables;
    manifest.status = "normalized";
    manifest.timings.extract_ms = extractMs;
    manifest.timings.normalize_ms = normalizeMs;
    this.packages.write(manifest);
    this.local.writeSchema(normalized.schema);
    info.timings.extractMs += extractMs;
    info.timings.normalizeMs += normalizeMs;
    for (const [name, r] of Object.entries(extracted.resources)) info.records[name] = r.records;
    this.emit({ type: "stage_end", stage: "extract", loadId, ms: extractMs });
    this.emit({ type: "stage_start", stage: "normalize", loadId });
    this.emit({ type: "stage_end", stage: "normalize", loadId, ms: normalizeMs });
    crashPoint("normalized");
    return { manifest, streaming };
  }

  private async finishPackage(
    client: DestinationClient,
    manifest: PackageManifest,
    resumed: boolean,
    info: LoadInfo,
    streaming?: StreamingLoad,
  ): Promise<PackageInfo> {
    const loadId = manifest.load_id;
    this.emit({ type: "stage_start", stage: "load", loadId });
    let pkg: LoadPackage;
    let outcome: LoadOutcome;
    try {
      pkg = this.toLoadPackage(manifest);
      const hooks = { beforeCommit: () => crashPoint("load") };
      outcome =
        (streaming && (await commitStreamed(streaming, pkg, this.logger, hooks))) ||
        (await loadPackage(client, pkg, this.logger, hooks));
    } catch (err) {
      // An overlapped load still open (the package could not be read back) ends rolled back, not pending.
      await streaming?.abort();
      // Nothing was committed (one transaction): record why, so the next run sets it aside instead of
      // failing the same way forever.
      manifest.status = "failed";
      manifest.failure = failureOf(err, manifest.failure);
      this.packages.write(manifest);
      throw packageLoadError(this.pipelineName, manifest, err);
    }
    crashPoint("committed");
    manifest.status = "loaded";
    manifest.timings.load_ms = outcome.ms;
    this.packages.write(manifest);
    this.local.writeState(pkg.state);
    this.local.recordSchemaVersion(pkg.schema, loadId);
    this.packages.retire(manifest);
    info.timings.loadMs += outcome.ms;
    this.emit({ type: "stage_end", stage: "load", loadId, ms: outcome.ms });
    const rowCounts: Record<string, number> = {};
    for (const t of pkg.tables) if (t.rowCount > 0) rowCounts[t.table] = t.rowCount;
    const records = Object.values(manifest.resources).reduce((n, r) => n + r.records, 0);
    return { loadId, resumed, committed: outcome.committed, rowCounts, records };
  }

  private toLoadPackage(manifest: PackageManifest): LoadPackage {
    const dir = this.packages.dir(manifest.load_id);
    const schema = readJsonFile<StoredSchema>(join(dir, PACKAGE_SCHEMA));
    const state = readJsonFile<PipelineState>(join(dir, PACKAGE_STATE));
    if (schema === null || state === null || manifest.tables === undefined)
      throw new SluiceError(`load package ${manifest.load_id} is incomplete (no schema or state file)`, {
        code: "PACKAGE_CORRUPT",
        hint: `Delete ${dir} and run again; its data will be extracted anew.`,
      });
    return {
      loadId: manifest.load_id,
      schema,
      state,
      tables: manifest.tables.map((t) => ({ ...t, files: t.files.map((f) => join(dir, f)) })),
    };
  }
}

/** A LoadInfo for work outside `run` (a retried package). */
function blankInfo(p: Pipeline): LoadInfo {
  return {
    pipelineName: p.pipelineName,
    datasetName: p.datasetName,
    destination: { name: p.destination.name, location: p.destinationLocation },
    loadIds: [],
    packages: [],
    rowCounts: {},
    records: {},
    timings: { extractMs: 0, normalizeMs: 0, loadMs: 0, totalMs: 0 },
  };
}

function definedOnly(c: SourceConcurrency | undefined): SourceConcurrency {
  const out: SourceConcurrency = {};
  if (c?.resources !== undefined) out.resources = c.resources;
  if (c?.children !== undefined) out.children = c.children;
  if (c?.normalize_thread !== undefined) out.normalize_thread = c.normalize_thread;
  return out;
}

function toResources(input: Source | Resource | readonly Resource[]): readonly Resource[] {
  if (Array.isArray(input)) return input as readonly Resource[];
  if ("resources" in input) return (input as Source).resources;
  return [input as Resource];
}
