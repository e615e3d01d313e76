import type { DataRecord, JsonObject } from "./json.js";
import type { Logger } from "./logger.js";

export type WriteDispositionName = "append" | "replace" | "merge";
export type MergeStrategy = "delete-insert" | "upsert" | "scd2";
export type WriteDisposition =
  | WriteDispositionName
  | {
      disposition: WriteDispositionName;
      strategy?: MergeStrategy;
      /** scd2 only: column names for the validity range (default `_sluice_valid_from` / `_sluice_valid_to`). */
      validity_column_names?: [string, string];
    };

export const DATA_TYPES = [
  "bigint",
  "double",
  "bool",
  "text",
  "timestamp",
  "date",
  "json",
  "decimal",
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** A column hint as a user writes it (dlt's `columns` entries). Keys are source field names or normalized names. */
export interface ColumnHint {
  name?: string;
  data_type?: DataType;
  nullable?: boolean;
  primary_key?: boolean;
  merge_key?: boolean;
  precision?: number;
  scale?: number;
}

export type ContractMode = "evolve" | "freeze" | "discard_row" | "discard_value";
export type SchemaContract =
  | ContractMode
  | { tables?: ContractMode; columns?: ContractMode; data_type?: ContractMode };

/** Load hints of a resource, in dlt's spelling. */
export interface ResourceHints {
  table_name?: string;
  write_disposition?: WriteDisposition;
  primary_key?: string | string[];
  merge_key?: string | string[];
  columns?: Record<string, ColumnHint>;
  schema_contract?: SchemaContract;
  max_table_nesting?: number;
  /** When false the resource still runs (to feed its children) but its rows are not loaded. */
  selected?: boolean;
  /** Children of one parent record may be fetched concurrently (bounded). */
  parallelized?: boolean;
}

/** Per-resource state: a JSON object the resource may mutate; committed with the data it describes. */
export type ResourceState = JsonObject;

export interface ResourceContext {
  /** This resource's state, restored from the last committed load. Mutate in place. */
  state: ResourceState;
  signal: AbortSignal;
  logger: Logger;
  /** Progress counters the CLI shows live. */
  metrics: ResourceMetrics;
  /** Told of every page request and every retried attempt, for previews, traces and debug logs. */
  onRequest?: (request: RequestRecord) => void;
  /**
   * Read only these pages of the pagination (a partition of a scaled-out run). Only a resource with
   * `planPages` honours it; page 0 is still fetched to learn the total, its records yielded only when inside.
   */
  window?: PageWindow;
  /**
   * Called once the records of a page were handed on and processed (its children too), with the index of
   * the next page: a point where extraction can be checkpointed and resumed with `window.from` = that index.
   */
  onPageDone?: (nextPage: number) => Promise<void> | void;
}

/** Pages `from` (inclusive) to `to` (exclusive; open when absent) of one pagination, counted from 0. */
export interface PageWindow {
  from: number;
  to?: number;
}

/** One HTTP exchange of a resource, as a preview or a trace shows it. The URL is masked. */
export interface RequestRecord {
  method: string;
  url: string;
  status: number;
  /** Attempt of the logical request, from 1. */
  attempt: number;
  durationMs: number;
  /** Body size, characters after decoding. */
  bytes: number;
  /** Waited before it was sent: the rate limit, a quota pause (Retry-After, RateLimit-*), a backoff. */
  waitMs: number;
  /**
   * For a page: its position, the records the selector found, the paginator's decision, and the pages
   * this pagination will have in all once they are planned from a total.
   */
  page?: { index: number; records: number; next: string; expectedPages?: number };
  /** For an attempt that was retried: why (a status or a network error) and the wait before the next. */
  retry?: { cause: string; delayMs: number };
}

export interface ResourceMetrics {
  pages: number;
  records: number;
  retries: number;
  requests: number;
  /**
   * Milliseconds this resource's requests spent in flight, summed over requests: over the resource's
   * elapsed time it is the average number of requests it had in flight. Optional for sources that do
   * no HTTP of their own.
   */
  requestMs?: number;
}

/** What a resource yields: one record or a batch (a page) of records. */
export type ResourceItem = DataRecord | DataRecord[];

/**
 * A named stream of records with load hints. A root resource is read once per run; a child resource
 * (`parent` set) is read once per record its parent yields, with that record as `parentRecord`.
 */
export interface Resource {
  readonly name: string;
  readonly hints: ResourceHints;
  readonly parent?: string;
  read(ctx: ResourceContext, parentRecord?: DataRecord): AsyncIterable<ResourceItem>;
  /**
   * How many pages a read of this root resource will have, when its first page tells (a known total):
   * a scaled-out run then splits it into page windows. Undefined when it cannot be known in advance.
   */
  planPages?(ctx: ResourceContext): Promise<number | undefined>;
  /**
   * One state from the states several partitions of one run left, each started from the same committed
   * state (incremental cursors per resource and per parent). Without it, partitions of a resource must
   * agree on its state, or a scaled-out run refuses to commit.
   */
  mergeStates?(states: readonly ResourceState[]): ResourceState;
}

/** A named set of resources. */
/** How much of a source's extraction runs at once; a pipeline's own `concurrency` option wins. */
export interface SourceConcurrency {
  /** Root resources extracted at once (default 4). */
  resources?: number;
  /** Children of one parent page read at once (default 8). */
  children?: number;
  /** Normalize on a second thread past the first records of a package; default: with more than 2 cores. */
  normalize_thread?: boolean;
}

export interface Source {
  readonly name: string;
  readonly resources: readonly Resource[];
  readonly concurrency?: SourceConcurrency;
  /** Releases what the source holds open (HTTP connections); runners call it once a run ends. Optional. */
  close?(): Promise<void>;
}

type Producer =
  | AsyncIterable<ResourceItem>
  | Iterable<ResourceItem>
  | ((
      ctx: ResourceContext,
      parentRecord?: DataRecord,
    ) => AsyncIterable<ResourceItem> | Iterable<ResourceItem>);

/** Builds a resource from an async generator (or any iterable). */
export function resource(
  name: string,
  producer: Producer,
  hints: ResourceHints & { parent?: string } = {},
): Resource {
  const { parent, ...rest } = hints;
  return {
    name,
    hints: rest,
    ...(parent === undefined ? {} : { parent }),
    read(ctx, parentRecord) {
      const it = typeof producer === "function" ? producer(ctx, parentRecord) : producer;
      return toAsync(it);
    },
  };
}

export function source(name: string, resources: readonly Resource[]): Source {
  const seen = new Set<string>();
  for (const r of resources) {
    if (seen.has(r.name)) throw new Error(`source "${name}": resource "${r.name}" is defined twice`);
    seen.add(r.name);
  }
  return { name, resources };
}

async function* toAsync(
  it: AsyncIterable<ResourceItem> | Iterable<ResourceItem>,
): AsyncIterable<ResourceItem> {
  yield* it;
}

/** Normalizes a write disposition to its full form. */
export function resolveWriteDisposition(wd: WriteDisposition | undefined): {
  disposition: WriteDispositionName;
  strategy: MergeStrategy | undefined;
} {
  if (wd === undefined) return { disposition: "append", strategy: undefined };
  if (typeof wd === "string")
    return { disposition: wd, strategy: wd === "merge" ? "delete-insert" : undefined };
  return {
    disposition: wd.disposition,
    strategy: wd.disposition === "merge" ? (wd.strategy ?? "delete-insert") : undefined,
  };
}
