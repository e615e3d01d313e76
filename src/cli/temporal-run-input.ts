import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join, resolve } from "node:path";
import type { Logger } from "../core/logger.js";
import type { Source } from "../core/resource.js";
import { destinationForRun } from "../destinations/registry.js";
import { type Pipeline, pipeline } from "../pipeline/index.js";
import type { RunInput } from "../scaleout/run-input.js";
import { restApiSource } from "../sources/rest_api/index.js";
import { configStem, readConfigInput } from "./config-input.js";
import type { CliIO } from "./io.js";
import { UsageError } from "./report-error.js";

const DATA_FORMATS = new Set([".json", ".json5", ".yaml", ".yml", ".toml"]);

/** What `sluice run --on` sends: read and checked here first, so a bad config fails before any workflow. */
export async function runInputFor(
  configPath: string,
  flags: {
    pipeline?: string;
    destination?: string;
    dataset?: string;
    fullRefresh?: boolean;
    resources?: string;
    credentials?: string;
    bucketUrl?: string;
    fileFormat?: string;
    partitionPages?: string;
    partitionParents?: string;
    heartbeatTimeout?: string;
  },
  io: CliIO,
): Promise<RunInput> {
  const pagesPerPartition = positive(flags.partitionPages, "--partition-pages");
  const parentBatch = positive(flags.partitionParents, "--partition-parents");
  const heartbeatS = positive(flags.heartbeatTimeout, "--heartbeat-timeout");
  const perWorkflow = positive(
    io.env["SLUICE_TEMPORAL_PARTITIONS_PER_WORKFLOW"],
    "SLUICE_TEMPORAL_PARTITIONS_PER_WORKFLOW",
  );
  const input = await readConfigInput(configPath, io);
  const block = input.kind === "config" ? input.config.pipeline : undefined;
  const pipelineName = flags.pipeline ?? block?.pipeline_name ?? configStem(configPath);
  const destination = flags.destination ?? block?.destination ?? "duckdb";
  // The input is kept in the workflow's history, readable by anyone with access to the namespace.
  if (flags.credentials !== undefined || /^[a-z][\w+.-]*:\/\/[^/@]*:[^/@]*@/i.test(destination))
    throw new UsageError(
      "--on temporal:// does not send destination credentials: they would be kept in the workflow's history",
      "give the workers the credentials instead (their environment or .sluice/secrets.toml), and pass the destination without a password",
    );
  const file = resolve(io.cwd, configPath);
  const ext = extname(file).toLowerCase();
  const resources = flags.resources
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return {
    pipelineName,
    config: DATA_FORMATS.has(ext) ? { file, text: readFileSync(file, "utf8") } : { file },
    cwd: io.cwd,
    destination,
    destinationOptions: {
      ...(flags.bucketUrl === undefined ? {} : { bucket_url: flags.bucketUrl }),
      ...(flags.fileFormat === undefined ? {} : { format: flags.fileFormat }),
    },
    ...((flags.dataset ?? block?.dataset_name) === undefined
      ? {}
      : { datasetName: flags.dataset ?? block?.dataset_name }),
    ...(resources === undefined || resources.length === 0 ? {} : { resources }),
    ...(flags.fullRefresh ? { fullRefresh: true } : {}),
    ...(pagesPerPartition === undefined ? {} : { pagesPerPartition }),
    ...(parentBatch === undefined ? {} : { parentBatch }),
    ...(heartbeatS === undefined ? {} : { heartbeatTimeoutMs: heartbeatS * 1000 }),
    ...(perWorkflow === undefined ? {} : { partitionsPerWorkflow: perWorkflow }),
  };
}

function positive(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: "${raw}" is not a positive whole number`, `e.g. ${flag} 50`);
  return n;
}

/**
 * The worker's side: the same pipeline and source `sluice run` would build, from a run's input. The
 * config is the one sent (its text), read from the path it had when that file is here unchanged; relative
 * paths resolve against the directory the run was started in when this machine has it.
 */
export async function openRunFromInput(
  input: RunInput,
  options: { pipelinesDir: string; logger: Logger; env: NodeJS.ProcessEnv },
): Promise<{ pipeline: Pipeline; source: Source }> {
  const cwd = existsSync(input.cwd) ? input.cwd : process.cwd();
  let path = input.config.file;
  const text = input.config.text;
  if (text !== undefined && (!existsSync(path) || readFileSync(path, "utf8") !== text)) {
    // One copy per distinct config, not one per activity.
    const dir = join(
      tmpdir(),
      `sluice-config-${createHash("sha256").update(text).digest("hex").slice(0, 16)}`,
    );
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    path = join(dir, basename(path));
    if (!existsSync(path)) writeFileSync(path, text, { mode: 0o600 });
  }
  const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: options.env, cwd, isTTY: false };
  const config = await readConfigInput(path, io);
  const { destination } = destinationForRun(input.destination, input.destinationOptions, {
    pipelineName: input.pipelineName,
    cwd,
    env: options.env,
  });
  const p = pipeline({
    pipeline_name: input.pipelineName,
    destination,
    ...(input.datasetName === undefined ? {} : { dataset_name: input.datasetName }),
    pipelines_dir: options.pipelinesDir,
    logger: options.logger,
  });
  const source =
    config.kind === "source"
      ? config.source
      : restApiSource(config.config, {
          name: input.pipelineName,
          logger: options.logger,
          env: options.env,
          cwd,
        });
  return { pipeline: p, source };
}
