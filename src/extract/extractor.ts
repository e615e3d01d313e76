import { setMaxListeners } from "node:events";
import { SluiceError } from "../core/errors.js";
import type { DataRecord, JsonObject } from "../core/json.js";
import type { Logger } from "../core/logger.js";
import type {
  RequestRecord,
  Resource,
  ResourceContext,
  ResourceHints,
  ResourceItem,
  ResourceMetrics,
} from "../core/resource.js";
import { mapBounded } from "./concurrency.js";
import { orderedFanOut } from "./ordered-fan-out.js";

/**
 * Where extracted records go, batch by batch, while they are still objects (the pipeline's normalize
 * stage). Calls are synchronous, so concurrent resources never interleave within one batch.
 */
export interface RecordSink {
  /** Called once per written resource, in a deterministic order, before any batch. */
  open(resource: string, hints: ResourceHints): void;
  write(resource: string, batch: readonly DataRecord[]): void;
  /**
   * A sink that works behind (on another thread) returns a promise while it is too far behind: the
   * extraction waits for it before its next batch, so records cannot pile up in memory.
   */
  ready?(): Promise<void> | undefined;
}

export interface ExtractOptions {
  /** Receives every record of the written resources (unselected parents run unwritten). */
  sink: RecordSink;
  /** Every resource of the source, including unselected parents. */
  resources: readonly Resource[];
  /** Only these resources (and the parents they need) run; default: every selected resource. */
  only?: readonly string[];
  /** Per-resource state from the last committed load; not mutated (each resource gets a copy). */
  state: { [resource: string]: JsonObject };
  logger: Logger;
  signal?: AbortSignal;
  /** Root resources running at once. Default 4. */
  concurrency?: number;
  /**
   * Children of one parent page running at once (default 8); a child with `parallelized: false` runs
   * one parent record after another. Either way a child's rows arrive in the same order.
   */
  childConcurrency?: number;
  /** Called after every item a resource yields (records = running count for that resource). */
  onItem?: (resource: string, records: number, metrics: ResourceMetrics) => void;
  /** Called for every page request and retried attempt of a resource that reports them (HTTP sources). */
  onRequest?: (resource: string, request: RequestRecord) => void;
  /**
   * Called when a resource has handed on a page and its children have run (see ResourceContext.onPageDone),
   * with the resource's state at that point: a checkpoint of a partition of a scaled-out run.
   */
  onPageDone?: (
    resource: string,
    nextPage: number,
    states: () => { [resource: string]: JsonObject },
  ) => Promise<void> | void;
}

export interface ExtractedResource {
  records: number;
  hints: ResourceHints;
  parent?: string;
}

export interface ExtractResult {
  resources: { [name: string]: ExtractedResource };
  /** Per-resource state after extraction, to commit with this package's data. */
  state: { [resource: string]: JsonObject };
  metrics: { [name: string]: ResourceMetrics };
}

/** Longest stretch of extraction work without an event-loop turn, ms. */
const YIELD_EVERY_MS = 10;

interface Node {
  resource: Resource;
  children: Node[];
  write: boolean;
  ctx: ResourceContext;
  records: number;
}

/**
 * Streams every resource into the sink: roots read once, children once per parent record, several
 * parent records at once unless the child says `parallelized: false`. Nothing is held in memory beyond
 * one item per running resource and what the children of one parent page emit ahead of their turn.
 */
export async function extractResources(options: ExtractOptions): Promise<ExtractResult> {
  const { logger, sink } = options;
  const byName = new Map(options.resources.map((r) => [r.name, r]));
  const written = chooseWritten(options.resources, options.only);
  const running = new Set<string>();
  for (const name of written) {
    let current: Resource | undefined = byName.get(name);
    const seen = new Set<string>();
    while (current !== undefined && !seen.has(current.name)) {
      seen.add(current.name);
      running.add(current.name);
      if (current.parent === undefined) break;
      const parent = byName.get(current.parent);
      if (parent === undefined)
        throw new SluiceError(
          `resource "${current.name}": parent resource "${current.parent}" does not exist`,
          {
            code: "RESOURCE_GRAPH",
            hint: `Define a resource named "${current.parent}" or remove the reference to it.`,
          },
        );
      current = parent;
    }
  }
  // One failing resource stops the others: the package is discarded anyway.
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(options.signal?.reason), { once: true });
  const signal = abort.signal;
  // Every in-flight request and every retry or rate-limit pause listens on this one signal: a hundred
  // resources legitimately hold far more than Node's default of ten listeners.
  setMaxListeners(0, signal);
  const nodes = new Map<string, Node>();
  for (const name of running) {
    const resource = byName.get(name)!;
    const metrics: ResourceMetrics = { pages: 0, records: 0, retries: 0, requests: 0, requestMs: 0 };
    const ctx: ResourceContext = {
      state: structuredClone(options.state[name] ?? {}),
      signal,
      logger: logger.child({ resource: name }),
      metrics,
      ...(options.onRequest === undefined
        ? {}
        : { onRequest: (r: RequestRecord) => options.onRequest?.(name, r) }),
    };
    // Only a root's page ends are quiet points: a child's pages end while its siblings are still running.
    const onPageDone = options.onPageDone;
    if (onPageDone !== undefined && resource.parent === undefined)
      ctx.onPageDone = (next) =>
        onPageDone(name, next, () =>
          Object.fromEntries([...nodes.values()].map((n) => [n.resource.name, n.ctx.state])),
        );
    nodes.set(name, { resource, children: [], write: written.has(name), ctx, records: 0 });
  }
  for (const node of nodes.values()) if (node.write) sink.open(node.resource.name, node.resource.hints);
  for (const node of nodes.values()) {
    const parent = node.resource.parent;
    if (parent !== undefined) nodes.get(parent)?.children.push(node);
  }
  const roots = [...nodes.values()].filter((n) => n.resource.parent === undefined);
  const childLimit = options.childConcurrency ?? 8;

  /** One batch of one resource, on its way to the sink. */
  type Emitted = { node: Node; batch: DataRecord[] };
  const write = ({ node, batch }: Emitted): void => {
    if (node.write) sink.write(node.resource.name, batch);
    node.records += batch.length;
    options.onItem?.(node.resource.name, node.records, node.ctx.metrics);
  };

  // Between batches: wait while the sink is behind; otherwise, a source that never waits on I/O (generated
  // or in-memory records) would hold the event loop for the whole extraction (timers, signals, the
  // destination's completions of an overlapped load, a worker's messages), so every YIELD_EVERY_MS of such
  // work the loop gets a turn.
  let lastTurn = performance.now();
  const pace = async (): Promise<void> => {
    const behind = sink.ready?.();
    if (behind !== undefined) {
      await behind;
      lastTurn = performance.now();
      return;
    }
    if (performance.now() - lastTurn < YIELD_EVERY_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    lastTurn = performance.now();
  };

  const runNode = async (node: Node, out: (e: Emitted) => void, parentRecord?: DataRecord): Promise<void> => {
    let iterable: AsyncIterable<ResourceItem>;
    try {
      iterable = node.resource.read(node.ctx, parentRecord);
      for await (const item of iterable) {
        const batch = asBatch(item);
        out({ node, batch });
        await pace();
        if (node.children.length > 0) await runChildren(node, batch, out);
        if (signal.aborted) return;
      }
    } catch (err) {
      if (!signal.aborted) abort.abort(err);
      if (err instanceof SluiceError) throw err;
      throw new SluiceError(
        `resource "${node.resource.name}" failed: ${(err as Error)?.message ?? String(err)}`,
        {
          code: "EXTRACT_FAILED",
          hint: "Fix the resource (or the API it reads) and run again; nothing from this run was loaded.",
          cause: err,
        },
      );
    }
  };

  const runChildren = async (node: Node, batch: DataRecord[], out: (e: Emitted) => void): Promise<void> => {
    for (const child of node.children) {
      const limit = child.resource.hints.parallelized === false ? 1 : childLimit;
      await orderedFanOut(batch, limit, out, (record, emit) => runNode(child, emit, record));
    }
  };

  await mapBounded(roots, options.concurrency ?? 4, (root) => runNode(root, write));

  const result: ExtractResult = { resources: {}, state: { ...options.state }, metrics: {} };
  for (const node of nodes.values()) {
    const name = node.resource.name;
    result.state[name] = node.ctx.state;
    result.metrics[name] = node.ctx.metrics;
    if (!node.write) continue;
    result.resources[name] = {
      records: node.records,
      hints: node.resource.hints,
      ...(node.resource.parent === undefined ? {} : { parent: node.resource.parent }),
    };
  }
  return result;
}

export function chooseWritten(
  resources: readonly Resource[],
  only: readonly string[] | undefined,
): Set<string> {
  if (only === undefined)
    return new Set(resources.filter((r) => r.hints.selected !== false).map((r) => r.name));
  const names = new Set(resources.map((r) => r.name));
  const unknown = only.filter((n) => !names.has(n));
  if (unknown.length > 0)
    throw new SluiceError(`Unknown resource${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
      code: "RESOURCE_UNKNOWN",
      hint: `Available resources: ${[...names].join(", ")}.`,
    });
  return new Set(only);
}

/** A resource's item as a batch of records. */
export function asBatch(item: ResourceItem): DataRecord[] {
  const list = Array.isArray(item) ? item : [item];
  // A scalar is wrapped the way a list of scalars is: one `value` column.
  return list.map((r) => (r !== null && typeof r === "object" && !Array.isArray(r) ? r : { value: r }));
}
