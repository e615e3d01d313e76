import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "../core/logger.js";
import { defaultPipelinesDir, type Pipeline, pipeline } from "../pipeline/index.js";
import {
  destinationFromRecord,
  readDestinationRecord,
  recordedPostgresDestination,
} from "./destination-flags.js";
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
  const dir = resolve(io.cwd, lookup.pipelinesDir ?? io.env.SLUICE_PIPELINES_DIR ?? defaultPipelinesDir());
  const workingDir = join(dir, name);
  if (!existsSync(workingDir))
    throw new UsageError(
      `No pipeline named "${name}" in ${dir}`,
      "run it first (`sluice run <config> --pipeline <name>`), or pass the --pipelines-dir it ran with",
    );
  const record = readDestinationRecord(workingDir) ?? {
    name: "duckdb",
    path: resolve(io.cwd, `${name}.duckdb`),
  };
  // PostgreSQL: the server and user the run used, the password looked up where the run looked, when a
  // connection is made (`trace` needs none, so it works without the password).
  const destination =
    lookup.credentials === undefined && record.postgres !== undefined
      ? recordedPostgresDestination(record.postgres, name, io.env, io.cwd)
      : destinationFromRecord(record, lookup.credentials);
  return pipeline({
    pipeline_name: name,
    pipelines_dir: dir,
    destination,
    ...(record.dataset_name === undefined ? {} : { dataset_name: record.dataset_name }),
    logger,
  });
}
