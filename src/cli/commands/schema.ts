import { createLogger, textSink } from "../../core/logger.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import type { CliIO } from "../io.js";
import { openPipeline } from "../open-pipeline.js";
import { UsageError } from "../report-error.js";
import { schemaText } from "./pipeline.js";

/** `sluice schema <pipeline>`: the stored schema, as text or the JSON document itself. */
export async function schemaCommand(
  name: string,
  flags: { pipelinesDir?: string; format?: string },
  globals: GlobalOptions,
  io: CliIO,
): Promise<number> {
  const logger = createLogger({ level: globals.verbose ? "debug" : "warn", sink: textSink(io.stderr) });
  const schema = await openPipeline(name, flags, io, logger).schema();
  if (schema === null)
    throw new UsageError(
      `Pipeline "${name}" has no schema yet`,
      "a schema is stored by the first `sluice run` that loads rows",
    );
  io.stdout.write(flags.format === "json" ? `${JSON.stringify(schema, null, 2)}\n` : schemaText(schema));
  return EXIT.ok;
}
