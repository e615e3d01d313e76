import { fileURLToPath } from "node:url";
import { DefaultLogger, NativeConnection, Runtime, Worker } from "@temporalio/worker";
import { createActivities, type WorkerDeps } from "./activities.js";
import type { TemporalTarget } from "./temporal-address.js";

export interface WorkerOptions extends WorkerDeps {
  target: TemporalTarget;
  taskQueue: string;
  /** Activities (partitions, loads) this worker runs at once. */
  concurrency: number;
}

export interface RunningWorker {
  /** Stops polling, lets running activities finish (a grace period), then resolves `done`. */
  shutdown(): void;
  done: Promise<void>;
}

// Compiled, the workflows sit beside this file as .js; run from the sources (tsx), as .ts.
const WORKFLOWS = fileURLToPath(
  new URL(`./workflows${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
);

let runtimeInstalled = false;

/** Connects to Temporal and starts polling sluice's task queue for workflow and activity tasks. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    // The SDK's own log lines are for its developers; sluice's logger says what a user needs.
    Runtime.install({ logger: new DefaultLogger("WARN") });
    runtimeInstalled = true;
  }
  const connection = await NativeConnection.connect({ address: options.target.address });
  const worker = await Worker.create({
    connection,
    namespace: options.target.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: WORKFLOWS,
    activities: createActivities(options),
    maxConcurrentActivityTaskExecutions: options.concurrency,
    // A dead worker's workflow tasks move to another worker after this, not after Temporal's 5 s default.
    stickyQueueScheduleToStartTimeout: "1s",
    shutdownGraceTime: "10s",
  });
  const done = worker.run().finally(() => connection.close());
  return { shutdown: () => worker.shutdown(), done };
}
