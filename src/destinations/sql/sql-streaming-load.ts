import type { LoadPackage } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import type { StreamingLoad, StreamingLoadOptions } from "../types.js";

/** What the SQL client does inside the held transaction; the queue and its lifecycle are this file's. */
export interface StreamingSteps {
  /** Runs `fn` inside one transaction (BEGIN … COMMIT, rolled back when it rejects). */
  transaction(fn: () => Promise<void>): Promise<void>;
  /** Session settings, at the start of the transaction; resolves to what undoes those meant for extraction only. */
  begin(): Promise<() => Promise<void>>;
  /** Loads closed files of one table now; false when its tree waits for the end (merge). */
  chunk(table: string, files: string[], schema: StoredSchema): Promise<boolean>;
  /** Everything of `pkg` not streamed yet, the dispositions and the load record; before COMMIT. */
  finish(pkg: LoadPackage): Promise<void>;
}

type End = { commit: LoadPackage; beforeCommit: (() => void) | undefined } | { rollback: true };

const ROLLBACK = new Error("streaming load rolled back");

/**
 * One transaction held open for a run. Chunks queue on a promise chain so exactly one database operation
 * runs at a time on the connection, while extraction goes on; a refused chunk stops streaming and rolls
 * back (its error is kept, never unhandled), and the commit then reports false so the package loads the
 * ordinary way and fails there with the message users know.
 */
export class SqlStreamingLoad implements StreamingLoad {
  private chain: Promise<void> = Promise.resolve();
  private queued: Array<{ table: string; file: string }> = [];
  private schema: StoredSchema | undefined;
  private draining = false;
  private stopped = false;
  private ended = false;
  private endWith!: (end: End) => void;
  private done!: Promise<void>;
  streamedMs = 0;

  private constructor(
    private readonly steps: StreamingSteps,
    private readonly options: StreamingLoadOptions,
  ) {}

  static async open(steps: StreamingSteps, options: StreamingLoadOptions = {}): Promise<SqlStreamingLoad> {
    const load = new SqlStreamingLoad(steps, options);
    await load.start();
    return load;
  }

  private async start(): Promise<void> {
    const ending = new Promise<End>((resolve) => {
      this.endWith = resolve;
    });
    let begun!: () => void;
    const ready = new Promise<void>((resolve) => {
      begun = resolve;
    });
    this.done = this.steps.transaction(async () => {
      const extractionOver = await this.steps.begin();
      begun();
      const end = await ending;
      // No chunk may still be running when ROLLBACK or the final statements go to the connection.
      await this.chain;
      await extractionOver();
      if ("rollback" in end || this.stopped) throw ROLLBACK;
      await this.steps.finish(end.commit);
      end.beforeCommit?.();
    });
    // Rejections are read by commit/abort; until then they must not count as unhandled.
    this.done.catch(() => {});
    // BEGIN itself failing rejects `done` before `ready`: report it to the opener.
    await Promise.race([ready, this.done]);
  }

  add(table: string, file: string, schema: StoredSchema): void {
    if (this.stopped || this.ended) return;
    this.queued.push({ table, file });
    // Schemas only grow: the newest covers every file queued before it.
    this.schema = schema;
    if (!this.draining) {
      this.draining = true;
      this.chain = this.chain.then(() => this.drain());
    }
  }

  /**
   * Loads what is queued, one table at a time, every file of it queued so far in one statement: when
   * loading lags behind extraction, the files that piled up go in together (a statement per file costs
   * the destination more than one over many files).
   */
  private async drain(): Promise<void> {
    try {
      while (this.queued.length > 0 && !this.stopped) {
        const table = this.queued[0]!.table;
        const files = this.queued.filter((q) => q.table === table).map((q) => q.file);
        this.queued = this.queued.filter((q) => q.table !== table);
        const started = performance.now();
        let loaded: boolean;
        try {
          loaded = await this.steps.chunk(table, files, this.schema!);
        } catch {
          this.stop();
          return;
        } finally {
          this.streamedMs += performance.now() - started;
        }
        if (loaded) this.options.onChunkLoaded?.(table);
      }
    } finally {
      this.draining = false;
    }
  }

  /** A refused chunk: its error comes back when the package loads the ordinary way. */
  private stop(): void {
    this.stopped = true;
    this.end({ rollback: true });
  }

  private end(end: End): void {
    if (this.ended) return;
    this.ended = true;
    this.endWith(end);
  }

  async commit(pkg: LoadPackage, hooks: { beforeCommit?: () => void } = {}): Promise<boolean> {
    await this.chain;
    if (this.stopped) {
      await this.done.catch(() => {});
      return false;
    }
    this.end({ commit: pkg, beforeCommit: hooks.beforeCommit });
    try {
      await this.done;
      return true;
    } catch {
      this.stopped = true;
      return false;
    }
  }

  async abort(): Promise<void> {
    this.stopped = true;
    this.end({ rollback: true });
    await this.chain;
    await this.done.catch(() => {});
  }
}
