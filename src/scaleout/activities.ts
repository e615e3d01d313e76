import { Context } from "@temporalio/activity";
import { ApplicationFailure } from "@temporalio/common";
import { SluiceError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Source } from "../core/resource.js";
import { DestinationLoadError } from "../destinations/load-error.js";
import { extractPartition, type PartitionCheckpoint } from "../pipeline/partitions/extract-partition.js";
import { loadPartitions, type PartitionLoadOutcome } from "../pipeline/partitions/load-partitions.js";
import type {
  PartitionProgress,
  PartitionSpec,
  PartitionSummary,
  RunPlan,
} from "../pipeline/partitions/partition-plan.js";
import type { PartitionStorage } from "../pipeline/partitions/partition-storage.js";
import { planRun } from "../pipeline/partitions/plan-run.js";
import type { PartitionRunContext } from "../pipeline/partitions/run-context.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { RunInput } from "./run-input.js";

/** What a worker brings: how to build a run's pipeline and source from its input, and the shared storage. */
export interface WorkerDeps {
  openRun(input: RunInput): Promise<{ pipeline: Pipeline; source: Source }>;
  storage: PartitionStorage;
  logger: Logger;
}

/** Heartbeat details of a partition: its progress, and where a retry resumes. */
export interface PartitionHeartbeat {
  progress: PartitionProgress;
  checkpoint?: PartitionCheckpoint;
}

/** Errors worth another attempt on another worker: the destination busy or unreachable for a moment. */
const TRANSIENT_CODES = new Set(["DESTINATION_OPEN", "DESTINATION_LOCKED"]);

/** The activities a `sluice worker` executes. Each one builds the run's pipeline and source afresh. */
export function createActivities(deps: WorkerDeps) {
  async function withRun<T>(input: RunInput, work: (ctx: PartitionRunContext) => Promise<T>): Promise<T> {
    const actx = Context.current();
    // Also while a step waits on one long request or a long commit: a silent worker counts as dead.
    const beat = setInterval(() => actx.heartbeat(), 1000);
    beat.unref();
    let source: Source | undefined;
    try {
      const built = await deps.openRun(input);
      source = built.source;
      return await work({
        pipeline: built.pipeline,
        resources: built.source.resources,
        ...(input.resources === undefined ? {} : { only: input.resources }),
        storage: deps.storage,
        logger: deps.logger.child({ activity: actx.info.activityType, attempt: actx.info.attempt }),
        signal: actx.cancellationSignal,
      });
    } catch (err) {
      throw asFailure(err);
    } finally {
      clearInterval(beat);
      await source?.close?.();
    }
  }

  return {
    async planRun(input: RunInput, runKey: string): Promise<RunPlan> {
      return withRun(input, (ctx) =>
        planRun(ctx, {
          runKey,
          ...(input.fullRefresh === undefined ? {} : { fullRefresh: input.fullRefresh }),
          ...(input.pagesPerPartition === undefined ? {} : { pagesPerPartition: input.pagesPerPartition }),
          ...(input.parentBatch === undefined ? {} : { parentBatch: input.parentBatch }),
        }),
      );
    },

    async extractPartition(input: RunInput, plan: RunPlan, spec: PartitionSpec): Promise<PartitionSummary> {
      const actx = Context.current();
      const last = actx.info.heartbeatDetails as PartitionHeartbeat | undefined;
      return withRun(input, (ctx) =>
        extractPartition(ctx, plan, spec, {
          attempt: actx.info.attempt,
          ...(last?.checkpoint === undefined ? {} : { resumeFrom: last.checkpoint }),
          heartbeat: (progress, checkpoint) =>
            actx.heartbeat({ progress, ...(checkpoint === undefined ? {} : { checkpoint }) }),
        }),
      );
    },

    async loadPartitions(input: RunInput, plan: RunPlan, keys: string[]): Promise<PartitionLoadOutcome> {
      return withRun(input, (ctx) => loadPartitions(ctx, plan, keys));
    },

    async cleanupRun(runKey: string): Promise<void> {
      await deps.storage.removeRun(runKey);
    },
  };
}

export type SluiceActivities = ReturnType<typeof createActivities>;

/**
 * sluice's errors cross to the workflow (and the CLI) with their code as the failure type and the hint
 * in the details. A config, HTTP or data error fails the same way on every worker: not retried.
 */
function asFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof SluiceError)) return err;
  const transient = TRANSIENT_CODES.has(err.code) || (err instanceof DestinationLoadError && err.transient);
  return ApplicationFailure.create({
    message: err.message,
    type: err.code,
    details: [{ hint: err.hint ?? null }],
    nonRetryable: !transient,
    cause: err,
  });
}
