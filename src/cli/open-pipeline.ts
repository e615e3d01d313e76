import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "../core/logger.js";
import { reopenDestination } from "../destinations/registry.js";
import { defaultPipelinesDir, type Pipeline, pipeline } from "../pipeline/index.js";
import { destinationOptions, readDestinationRecord } from "./destination-flags.js";
import type { CliIO } from "./io.js";
import { UsageError } from "./report-error.js";

export interface PipelineLookup {
  pipelinesDir?: string;
  credentials?: string;
}

/**
 * An existing pipeline, for inspection: its working dir must exist, and its destination is the one
 * its last `sluice run` that started recorded (DuckDB `<name>.duckdb` in the current directory otherwise).
 */
export function openPipeline(name: string, lookup: PipelineLookup, io: CliIO, logger: Logger): Pipeline {
  const dir = pipelinesDir(lookup.pipelinesDir, io);
  const workingDir = join(dir, name);
  if (!existsSync(workingDir))
    throw new UsageError(
      `No pipeline named "${name}" in ${dir}`,
      "run it first (`sluice run <config> --pipeline <name>`), or pass the --pipelines-dir it ran with",
    );
  // A pipeline no `sluice run` recorded loaded into the default destination.
  const record = readDestinationRecord(workingDir) ?? { name: "duckdb" };
  const destination = reopenDestination(record, destinationOptions({ credentials: lookup.credentials }), {
    pipelineName: name,
    cwd: io.cwd,
    env: io.env,
  });
  return pipeline({
    pipeline_name: name,
    pipelines_dir: dir,
    destination,
    ...(record.dataset_name === undefined ? {} : { dataset_name: record.dataset_name }),
    logger,
  });
}

/** Where pipeline working dirs live: the flag, else `$SLUICE_PIPELINES_DIR`, else `~/.sluice/pipelines`. */
export function pipelinesDir(flag: string | undefined, io: CliIO): string {
  return resolve(io.cwd, flag ?? io.env.SLUICE_PIPELINES_DIR ?? defaultPipelinesDir());
}
