import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
} from "@temporalio/client";
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from "@temporalio/common";
import { SluiceError } from "../core/errors.js";
import type { RunInput, RunOutcome, RunProgress } from "./run-input.js";
import type { TemporalTarget } from "./temporal-address.js";

export async function connectClient(
  target: TemporalTarget,
): Promise<{ client: Client; close(): Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: target.address, connectTimeout: "5s" });
  } catch (err) {
    throw new SluiceError(
      `Cannot reach the Temporal server at ${target.address}: ${(err as Error).message}`,
      {
        code: "TEMPORAL_UNREACHABLE",
        hint: "Start it (for a try: `temporal server start-dev`) or fix --on temporal://HOST:PORT.",
      },
    );
  }
  return { client: new Client({ connection, namespace: target.namespace }), close: () => connection.close() };
}

/** One workflow id per pipeline: Temporal then refuses a second run of a pipeline while one runs. */
export function runWorkflowId(pipelineName: string): string {
  return `sluice-run-${pipelineName}`;
}

export interface FollowOptions {
  taskQueue: string;
  /** Called about twice a second with the run's progress. */
  onProgress?: (p: RunProgress) => void;
  signal?: AbortSignal;
}

/**
 * Starts a run as a workflow and follows it to the end: the outcome, or sluice's error (its message and
 * hint, as the failing activity raised them). Aborting `signal` cancels the workflow: partitions stop,
 * a load in progress finishes or rolls back whole, and nothing is half-loaded.
 */
export async function runOnTemporal(
  client: Client,
  input: RunInput,
  options: FollowOptions,
): Promise<RunOutcome> {
  let handle: Awaited<ReturnType<Client["workflow"]["start"]>>;
  try {
    handle = await client.workflow.start("sluiceRun", {
      taskQueue: options.taskQueue,
      workflowId: runWorkflowId(input.pipelineName),
      args: [input],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new SluiceError(`pipeline "${input.pipelineName}" is already running on Temporal`, {
        code: "RUN_LOCKED",
        hint: `Wait for it, or stop it: temporal workflow cancel --workflow-id ${runWorkflowId(input.pipelineName)}`,
      });
    throw err;
  }
  const onAbort = () => void handle.cancel().catch(() => undefined);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let polling = true;
  const poll = (async () => {
    while (polling) {
      try {
        const p = await handle.query<RunProgress>("progress");
        if (polling) options.onProgress?.(p);
      } catch {
        // Not answerable yet (no worker has run the first task) or already closed: ask again.
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  try {
    return (await handle.result()) as RunOutcome;
  } catch (err) {
    throw asSluiceError(err, input.pipelineName);
  } finally {
    polling = false;
    options.signal?.removeEventListener("abort", onAbort);
    await poll;
  }
}

function asSluiceError(err: unknown, pipelineName: string): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    const detail = cause.details?.[0] as { hint?: string | null } | undefined;
    return new SluiceError(cause.message, {
      code: cause.type ?? "RUN_FAILED",
      ...(detail?.hint == null ? {} : { hint: detail.hint }),
    });
  }
  if (cause instanceof CancelledFailure)
    return new SluiceError(`run of "${pipelineName}" on Temporal was cancelled`, {
      code: "RUN_CANCELLED",
      hint: "Nothing was half-loaded; run it again for the data.",
    });
  if (cause instanceof TerminatedFailure || cause instanceof TimeoutFailure)
    return new SluiceError(`run of "${pipelineName}" on Temporal ended: ${cause.message}`, {
      code: "RUN_FAILED",
      hint: "Its load commits whole or not at all; run it again.",
    });
  return new SluiceError(`run of "${pipelineName}" on Temporal failed: ${cause?.message ?? err.message}`, {
    code: "RUN_FAILED",
  });
}
