import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { DirectoryPartitionStorage } from "../../pipeline/partitions/partition-storage.js";
import { DEFAULT_TASK_QUEUE, parseTemporalTarget } from "../../scaleout/temporal-address.js";
import { startWorker } from "../../scaleout/worker.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";
import { pipelinesDir as pipelinesDirOf } from "../open-pipeline.js";
import { UsageError } from "../report-error.js";
import { runLogger } from "../run-logger.js";
import { openRunFromInput } from "../temporal-run-input.js";

export interface WorkerFlags {
  temporal?: string;
  namespace?: string;
  taskQueue?: string;
  concurrency?: string;
  storage?: string;
  pipelinesDir?: string;
}

/** Where partitions meet when `--storage` is not given: right for every worker on one host. */
export function defaultPartitionStorage(env: NodeJS.ProcessEnv): string {
  return env["SLUICE_PARTITION_STORAGE"] ?? join(homedir(), ".sluice", "partitions");
}

/**
 * `sluice worker --temporal HOST:PORT`: runs sluice's workflows and activities (partitions and loads) for
 * whoever starts runs on that server, until SIGINT or SIGTERM; running activities get a grace period.
 */
export async function workerCommand(flags: WorkerFlags, globals: GlobalOptions, io: CliIO): Promise<number> {
  if (flags.temporal === undefined)
    throw new UsageError(
      "sluice worker needs --temporal HOST:PORT",
      "sluice worker --temporal 127.0.0.1:7233",
    );
  const target = parseTemporalTarget(flags.temporal, "--temporal");
  if (flags.namespace !== undefined) target.namespace = flags.namespace;
  const concurrency = Number(flags.concurrency ?? "4");
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(
      `--concurrency: "${flags.concurrency}" is not a positive whole number`,
      "e.g. --concurrency 4",
    );
  const { logger } = runLogger({ level: globals.logLevel, format: globals.logFormat, stderr: io.stderr });
  const storage = new DirectoryPartitionStorage(
    resolve(io.cwd, flags.storage ?? defaultPartitionStorage(io.env)),
  );
  const pipelinesDir = pipelinesDirOf(flags.pipelinesDir, io);
  const taskQueue = flags.taskQueue ?? DEFAULT_TASK_QUEUE;
  const worker = await startWorker({
    target,
    taskQueue,
    concurrency,
    storage,
    logger,
    openRun: (input) => openRunFromInput(input, { pipelinesDir, logger, env: io.env }),
  });
  logger.info(
    `worker ready: ${target.address} namespace ${target.namespace}, task queue ${taskQueue}, ${concurrency} at a time, partitions in ${storage.location}`,
  );
  const stop = (sig: NodeJS.Signals) => {
    logger.info(`${sig} received: finishing running activities, then stopping`);
    worker.shutdown();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await worker.done;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  logger.info("worker stopped");
  return EXIT.ok;
}
