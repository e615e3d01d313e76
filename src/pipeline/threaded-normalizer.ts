import { performance } from "node:perf_hooks";
import type { Worker } from "node:worker_threads";
import { errorFromTransfer, type TransferredError } from "../core/error-transfer.js";
import { SluiceError } from "../core/errors.js";
import type { DataRecord } from "../core/json.js";
import type { ResourceHints } from "../core/resource.js";
import { siblingModule, startWorker } from "../core/worker-thread.js";
import type { RecordSink } from "../extract/extractor.js";
import { SchemaContractError } from "../schema/contract.js";
import type { StoredSchema } from "../schema/types.js";
import {
  type NormalizeStageOptions,
  type NormalizeStageResult,
  type PackageContinuation,
  PackageNormalizer,
} from "./normalize-stage.js";

export interface ThreadedNormalizerOptions extends NormalizeStageOptions {
  /**
   * Records normalized on this thread before a worker thread takes the package over (0: the worker does
   * it all; undefined: never). Small packages stay on one thread, since a worker costs its start-up.
   */
  workerAfter?: number;
  /** Called when the worker takes the package over, with the records normalized before. */
  onHandOff?: (records: number) => void;
}

/** What the worker needs besides the package's state: plain data (no callbacks). */
export interface WorkerSetup {
  stage: Omit<NormalizeStageOptions, "onFileClosed" | "onProgress" | "from">;
  reportFiles: boolean;
}

export type ToNormalizerThread =
  | { type: "start"; from: PackageContinuation | undefined }
  | { type: "open"; resource: string; hints: ResourceHints }
  | { type: "write"; resource: string; batch: readonly DataRecord[] }
  | { type: "finish" };

export type FromNormalizerThread =
  | { type: "ready" }
  | { type: "progress"; records: number }
  | { type: "file"; table: string; file: string; schema: StoredSchema }
  | { type: "finished"; result: NormalizeStageResult }
  | { type: "failed"; error: TransferredError };

/** Records sent but not yet normalized past which extraction waits, and below which it goes on. */
const BACKLOG_HIGH = 50_000;
const BACKLOG_LOW = 20_000;

/** Error classes a normalizer can throw, rebuilt as themselves when they cross from the worker. */
const ERROR_CLASSES = [SchemaContractError, SluiceError];

type Waiter = { resolve: () => void; reject: (err: Error) => void };

/**
 * The normalize stage on two threads. It normalizes on the calling thread first (a small package never
 * pays for a worker); past `workerAfter` records it starts a worker thread and, once the worker is up,
 * hands the package over between two batches (PackageNormalizer.handoff: files closed, schema and
 * counters passed on). From then on every batch is posted to the worker, and extraction waits (`ready`)
 * while the worker is more than BACKLOG_HIGH records behind, so memory stays bounded.
 */
export class ThreadedNormalizer implements RecordSink {
  private local: PackageNormalizer | undefined;
  private worker: Worker | undefined;
  private workerUp = false;
  private failure: Error | undefined;
  private sent = 0;
  private normalized = 0;
  private waiters: Waiter[] = [];
  private finishing: { resolve: (r: NormalizeStageResult) => void; reject: (err: Error) => void } | undefined;
  private readonly resources: [string, ResourceHints][] = [];
  /** Time this thread spent on normalization: its own part, posting batches, waiting for the end. */
  private ms = 0;

  constructor(private readonly options: ThreadedNormalizerOptions) {
    if (options.workerAfter === 0) {
      this.startWorker();
      this.post({ type: "start", from: undefined });
      options.onHandOff?.(0);
    } else this.local = new PackageNormalizer(options);
  }

  open(resource: string, hints: ResourceHints): void {
    this.resources.push([resource, hints]);
    if (this.local !== undefined) this.local.open(resource, hints);
    else this.post({ type: "open", resource, hints });
  }

  write(resource: string, batch: readonly DataRecord[]): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.local !== undefined) {
      this.local.write(resource, batch);
      this.maybeHandOff();
      return;
    }
    const started = performance.now();
    try {
      this.post({ type: "write", resource, batch });
    } catch (err) {
      throw new SluiceError(
        `resource "${resource}" yielded a record that cannot be handed to the normalizer thread: ${(err as Error).message}`,
        {
          code: "RECORD_NOT_DATA",
          hint: "Yield plain data: objects, arrays, strings, numbers, booleans, null, bigint or Date (no functions, symbols or class instances with behaviour).",
          cause: err,
        },
      );
    }
    this.sent += batch.length;
    this.ms += performance.now() - started;
  }

  /** Resolves once the worker's backlog allows more batches (undefined: go on at once). */
  ready(): Promise<void> | undefined {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.sent - this.normalized <= BACKLOG_HIGH) return undefined;
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  async finish(): Promise<NormalizeStageResult> {
    if (this.failure !== undefined) throw this.failure;
    if (this.local !== undefined) {
      await this.stopWorker();
      return this.local.finish();
    }
    const started = performance.now();
    const result = await new Promise<NormalizeStageResult>((resolve, reject) => {
      this.finishing = { resolve, reject };
      this.post({ type: "finish" });
    });
    await this.stopWorker();
    this.ms += performance.now() - started;
    return { ...result, ms: this.ms };
  }

  /** Closes open files and stops the worker without reporting (the package is being discarded). */
  async close(): Promise<void> {
    this.local?.close();
    await this.stopWorker();
  }

  /** Runs between batches only: after a write, or from the event loop (the worker is up). */
  private maybeHandOff(): void {
    const after = this.options.workerAfter;
    const local = this.local;
    if (after === undefined || local === undefined || local.recordCount < after) return;
    if (this.worker === undefined) this.startWorker();
    if (!this.workerUp) return;
    const from = local.handoff();
    this.ms += local.elapsedMs;
    this.local = undefined;
    this.sent = from.records;
    this.normalized = from.records;
    this.post({ type: "start", from });
    this.options.onHandOff?.(from.records);
  }

  private startWorker(): void {
    const {
      onFileClosed,
      onProgress,
      from: _from,
      workerAfter: _after,
      onHandOff: _h,
      ...stage
    } = this.options;
    // Its own file names: the files this thread wrote before the handoff stay part of the package.
    const setup: WorkerSetup = {
      stage: { ...stage, fileStem: "w" },
      reportFiles: onFileClosed !== undefined,
    };
    const worker = startWorker(siblingModule(import.meta.url, "normalize-worker"), { workerData: setup });
    this.worker = worker;
    worker.on("message", (m: FromNormalizerThread) => {
      if (m.type === "ready") {
        this.workerUp = true;
        this.maybeHandOff();
      } else if (m.type === "progress") {
        this.normalized = m.records;
        onProgress?.(m.records);
        if (this.sent - this.normalized <= BACKLOG_LOW) this.release();
      } else if (m.type === "file") onFileClosed?.(m.table, m.file, m.schema);
      else if (m.type === "finished") this.finishing?.resolve(m.result);
      else this.fail(errorFromTransfer(m.error, ERROR_CLASSES));
    });
    worker.on("error", (err) => this.fail(err));
    worker.on("exit", (code) => {
      if (this.worker === worker)
        this.fail(new SluiceError(`the normalizer thread stopped unexpectedly (exit code ${code})`));
    });
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    await worker.terminate();
  }

  private post(m: ToNormalizerThread): void {
    this.worker!.postMessage(m);
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.resolve();
  }

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(err);
    this.finishing?.reject(err);
  }
}
