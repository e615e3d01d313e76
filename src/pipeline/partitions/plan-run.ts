import type { JsonObject, JsonValue } from "../../core/json.js";
import type { ResourceContext } from "../../core/resource.js";
import type { PipelineState } from "../../load/package.js";
import type { StoredSchema } from "../../schema/types.js";
import { emptyState } from "../state-store.js";
import { type PartitionSpec, type RunPlan, safeKey } from "./partition-plan.js";
import { BASE_FILE, type PartitionRunContext, runResources, subtree } from "./run-context.js";

export interface PlanOptions {
  runKey: string;
  fullRefresh?: boolean;
  /** Pages per partition of a resource with a known total (default 50). */
  pagesPerPartition?: number;
  /** Parent records per partition of a child resource (default 100). */
  parentBatch?: number;
}

/** What every partition of a run starts from: the committed schema and state. */
export interface RunBase {
  schema: StoredSchema | null;
  state: PipelineState;
}

const PAGES_PER_PARTITION = 50;
const PARENT_BATCH = 100;

/**
 * Plans a scaled-out run: reads the committed state and schema from the destination (dropping the dataset
 * first on a full refresh) and keeps them on partition storage for every partition, then splits each root
 * resource: into page windows when its first page tells the total, else one partition for all of it.
 * Children are planned later, over batches of their parents' records (`childPartitions`).
 */
export async function planRun(ctx: PartitionRunContext, options: PlanOptions): Promise<RunPlan> {
  const { pipeline } = ctx;
  const { byName, written, running } = runResources(ctx);
  pipeline.checkCapabilities([...written].map((n) => byName.get(n)!));
  const client = await pipeline.destinationClient();
  let remote: Awaited<ReturnType<typeof client.restore>>;
  let previousVersion = 0;
  try {
    if (options.fullRefresh) {
      previousVersion = (await client.restore())?.state.version ?? 0;
      ctx.logger.info(`dropping dataset ${pipeline.datasetName} and the pipeline state (full refresh)`);
      await client.dropTables([], { all: true });
      await client.initialize();
    }
    remote = await client.restore();
  } finally {
    await client.close();
  }
  const base: RunBase = {
    schema: remote?.schema ?? null,
    state: remote?.state ?? emptyState(pipeline.pipelineName),
  };
  await ctx.storage.writeRunFile(options.runKey, BASE_FILE, base as unknown as JsonValue);

  const perPartition = Math.max(1, options.pagesPerPartition ?? PAGES_PER_PARTITION);
  const partitions: PartitionSpec[] = [];
  const children: Record<string, string[]> = {};
  for (const resource of ctx.resources) {
    if (resource.parent !== undefined || !running.has(resource.name)) continue;
    const name = resource.name;
    const pages = resource.planPages
      ? await resource.planPages(probeContext(ctx, base.state, name))
      : undefined;
    if (pages === undefined)
      partitions.push({ key: safeKey(name), ordinal: partitions.length, kind: "resource", resource: name });
    else
      for (let from = 0; from < Math.max(1, pages); from += perPartition)
        partitions.push({
          key: `${safeKey(name)}-p${from}`,
          ordinal: partitions.length,
          kind: "pages",
          resource: name,
          from,
          to: from + perPartition >= pages ? Number.MAX_SAFE_INTEGER : from + perPartition,
        });
    const direct = ctx.resources
      .filter((r) => r.parent === name && subtree(ctx.resources, r.name).some((n) => written.has(n)))
      .map((r) => r.name);
    if (direct.length > 0) children[name] = direct;
  }
  return {
    runKey: options.runKey,
    loadId: (Date.now() / 1000).toFixed(6),
    pipelineName: pipeline.pipelineName,
    baseVersion: base.state.version,
    nextVersion: Math.max(base.state.version, previousVersion) + 1,
    partitions,
    children,
    parentBatch: Math.max(1, options.parentBatch ?? PARENT_BATCH),
  };
}

function probeContext(ctx: PartitionRunContext, state: PipelineState, name: string): ResourceContext {
  return {
    state: structuredClone((state.resources[name] ?? {}) as JsonObject),
    signal: ctx.signal ?? new AbortController().signal,
    logger: ctx.logger.child({ resource: name }),
    metrics: { pages: 0, records: 0, retries: 0, requests: 0 },
  };
}
