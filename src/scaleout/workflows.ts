/**
 * sluice's Temporal workflows. They run in Temporal's deterministic sandbox and are replayed from history,
 * so they only decide and wait: every read, write and clock lives in the activities (activities.ts).
 * Imports: @temporalio/workflow, pure planning (partition-plan.ts) and types.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
} from "@temporalio/workflow";
import {
  childPartitions,
  type PartitionSpec,
  type PartitionSummary,
  type RunPlan,
} from "../pipeline/partitions/partition-plan.js";
import type { SluiceActivities } from "./activities.js";
import type { RunInput, RunOutcome, RunProgress } from "./run-input.js";

export const progressQuery = defineQuery<RunProgress>("progress");

/**
 * Activities started by one workflow execution, at most: each partition is a few history events, and a
 * fan-out wider than this goes through child workflows so no history nears Temporal's limits.
 */
const PARTITIONS_PER_WORKFLOW = 500;

function activities(input: RunInput) {
  const heartbeatTimeout = input.heartbeatTimeoutMs ?? 10_000;
  const retry = {
    initialInterval: "500ms",
    backoffCoefficient: 2,
    maximumInterval: "10s",
    maximumAttempts: 5,
  };
  const common = { heartbeatTimeout, retry };
  return {
    plan: proxyActivities<SluiceActivities>({ ...common, startToCloseTimeout: "30m" }),
    extract: proxyActivities<SluiceActivities>({ ...common, startToCloseTimeout: "24h" }),
    load: proxyActivities<SluiceActivities>({ ...common, startToCloseTimeout: "24h" }),
    cleanup: proxyActivities<SluiceActivities>({ startToCloseTimeout: "5m", retry }),
  };
}

/** One `sluice run`: plan, the root partitions, the child partitions over their records, one load. */
export async function sluiceRun(input: RunInput): Promise<RunOutcome> {
  const acts = activities(input);
  const info = workflowInfo();
  const progress: RunProgress = { phase: "plan", partitions: 0, done: 0, records: {}, pages: 0, requests: 0 };
  setHandler(progressQuery, () => progress);
  const plan = await acts.plan.planRun(input, `${info.workflowId}/${info.runId}`).catch(rethrow);
  try {
    progress.phase = "extract";
    progress.partitions = plan.partitions.length;
    const roots = await runPartitions(input, plan, plan.partitions, progress);
    const children = childPartitions(plan, roots);
    progress.partitions += children.length;
    const rest = await runPartitions(input, plan, children, progress);
    const all = [...roots, ...rest];
    progress.phase = "load";
    const keys = [...plan.partitions, ...children].map((s) => s.key);
    const load = await acts.load.loadPartitions(input, plan, keys);
    progress.phase = "done";
    const records: Record<string, number> = {};
    for (const s of all) for (const [r, n] of Object.entries(s.records)) records[r] = (records[r] ?? 0) + n;
    return {
      loadId: load.loadId,
      committed: load.committed,
      rowCounts: load.rowCounts,
      records,
      partitions: all.length,
      pages: all.reduce((n, s) => n + s.pages, 0),
      requests: all.reduce((n, s) => n + s.requests, 0),
      retries: all.reduce((n, s) => n + s.retries, 0),
      retriedPartitions: all.filter((s) => s.attempt > 1).length,
      resumedPartitions: all.filter((s) => s.resumed).length,
      ...(load.renormalized === undefined ? {} : { renormalized: load.renormalized }),
      extractMs: all.reduce((n, s) => Math.max(n, s.ms), 0),
      loadMs: Math.round(load.ms),
    };
  } catch (err) {
    return rethrow(err);
  } finally {
    // Also when the run was cancelled: the partitions' files are of no use to anyone after it.
    await CancellationScope.nonCancellable(() => acts.cleanup.cleanupRun(plan.runKey));
  }
}

/** Partitions of one run beyond one workflow's share: a child workflow runs a slice of them. */
export async function sluicePartitions(
  input: RunInput,
  plan: RunPlan,
  specs: PartitionSpec[],
): Promise<PartitionSummary[]> {
  const progress: RunProgress = {
    phase: "extract",
    partitions: specs.length,
    done: 0,
    records: {},
    pages: 0,
    requests: 0,
  };
  setHandler(progressQuery, () => progress);
  return runPartitions(input, plan, specs, progress);
}

async function runPartitions(
  input: RunInput,
  plan: RunPlan,
  specs: readonly PartitionSpec[],
  progress: RunProgress,
): Promise<PartitionSummary[]> {
  if (specs.length === 0) return [];
  const count = (s: PartitionSummary): PartitionSummary => {
    progress.done++;
    progress.pages += s.pages;
    progress.requests += s.requests;
    for (const [r, n] of Object.entries(s.records)) progress.records[r] = (progress.records[r] ?? 0) + n;
    return s;
  };
  const perWorkflow = input.partitionsPerWorkflow ?? PARTITIONS_PER_WORKFLOW;
  if (specs.length <= perWorkflow) {
    const acts = activities(input);
    return Promise.all(specs.map((spec) => acts.extract.extractPartition(input, plan, spec).then(count)));
  }
  const info = workflowInfo();
  const slices: PartitionSpec[][] = [];
  for (let i = 0; i < specs.length; i += perWorkflow) slices.push(specs.slice(i, i + perWorkflow));
  const results = await Promise.all(
    slices.map((slice, i) =>
      executeChild(sluicePartitions, {
        args: [input, plan, slice],
        workflowId: `${info.workflowId}-partitions-${slice[0]?.ordinal ?? i}`,
      }).then((summaries) => summaries.map(count)),
    ),
  );
  return results.flat();
}

/**
 * The run fails with sluice's own error: the message and hint an activity raised, whatever wrapped it
 * on the way (an activity failure, a child workflow's).
 */
function rethrow(err: unknown): never {
  let cause: unknown = err;
  while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) cause = cause.cause;
  if (cause instanceof ApplicationFailure)
    throw ApplicationFailure.create({
      message: cause.message,
      ...(cause.type == null ? {} : { type: cause.type }),
      details: cause.details ?? [],
      nonRetryable: true,
    });
  throw err;
}
