import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "../core/logger.js";
import { defaultPipelinesDir, type Pipeline } from "../pipeline/index.js";
import { openExistingPipeline } from "../pipeline/open-existing.js";
import { destinationOptions } from "./destination-flags.js";
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
  return openExistingPipeline(name, {
    pipelinesDir: dir,
    options: destinationOptions({ credentials: lookup.credentials }),
    cwd: io.cwd,
    env: io.env,
    logger,
  });
}

/** Where pipeline working dirs live: the flag, else `$SLUICE_PIPELINES_DIR`, else `~/.sluice/pipelines`. */
export function pipelinesDir(flag: string | undefined, io: CliIO): string {
  return resolve(io.cwd, flag ?? io.env.SLUICE_PIPELINES_DIR ?? defaultPipelinesDir());
}
