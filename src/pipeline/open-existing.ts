import { join } from "node:path";
import type { Logger } from "../core/logger.js";
import type { DestinationOptionsBase } from "../destinations/registration.js";
import { reopenDestination } from "../destinations/registry.js";
import { readDestinationRecord } from "./destination-record.js";
import { type Pipeline, pipeline } from "./pipeline.js";

export interface ExistingPipelinePlace {
  pipelinesDir: string;
  /** Destination options a run would get from its flags (credentials, bucket URL, file format). */
  options: DestinationOptionsBase;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

/**
 * A pipeline that ran before, for inspection: its destination is the one its last run that started
 * recorded (DuckDB `<name>.duckdb` in `cwd` when none did). The caller checks that the working dir exists.
 */
export function openExistingPipeline(name: string, place: ExistingPipelinePlace): Pipeline {
  const workingDir = join(place.pipelinesDir, name);
  const record = readDestinationRecord(workingDir) ?? { name: "duckdb" };
  const destination = reopenDestination(record, place.options, {
    pipelineName: name,
    cwd: place.cwd,
    env: place.env,
  });
  return pipeline({
    pipeline_name: name,
    pipelines_dir: place.pipelinesDir,
    destination,
    ...(record.dataset_name === undefined ? {} : { dataset_name: record.dataset_name }),
    logger: place.logger,
  });
}
