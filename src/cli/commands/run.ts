import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { LogEntry } from "../../core/logger.js";
import type { Source } from "../../core/resource.js";
import { defaultPipelinesDir, type LoadInfo, type ProgressEvent, pipeline } from "../../pipeline/index.js";
import { restApiSource } from "../../sources/rest_api/index.js";
import { configStem, readConfigInput } from "../config-input.js";
import {
  destinationFromRecord,
  destinationRecordFromFlags,
  writeDestinationRecord,
} from "../destination-flags.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { instrumentSource } from "../instrument-source.js";
import type { CliIO } from "../io.js";
import { ProgressReporter } from "../progress.js";
import { UsageError } from "../report-error.js";
import { runLogger } from "../run-logger.js";
import { formatSummary } from "../summary.js";
import { logTrace, type RunTrace, resourceTrace, writeTrace } from "../trace.js";

export interface RunFlags {
  pipeline?: string;
  destination?: string;
  dataset?: string;
  pipelinesDir?: string;
  fullRefresh?: boolean;
  resources?: string;
  credentials?: string;
  bucketUrl?: string;
}

/**
 * `sluice run <config>`: builds the source and the pipeline from the config and the flags, shows
 * progress, prints the summary, and leaves a trace in the pipeline's working dir whatever happens.
 */
export async function runCommand(
  configPath: string,
  flags: RunFlags,
  globals: GlobalOptions,
  io: CliIO,
): Promise<number> {
  const startedAt = new Date();
  const started = performance.now();
  const input = await readConfigInput(configPath, io);
  const block = input.kind === "config" ? input.config.pipeline : undefined;
  const pipelineName = flags.pipeline ?? block?.pipeline_name ?? configStem(configPath);
  const { record, credentials } = destinationRecordFromFlags(
    flags.destination ?? block?.destination ?? "duckdb",
    { credentials: flags.credentials, bucketUrl: flags.bucketUrl },
    pipelineName,
    io.cwd,
  );
  // DuckDB does not create folders; a path like data/x.duckdb should just work.
  if (record.path) mkdirSync(dirname(record.path), { recursive: true });
  const datasetName = flags.dataset ?? block?.dataset_name;
  const pipelinesDir = resolve(
    io.cwd,
    flags.pipelinesDir ?? io.env.SLUICE_PIPELINES_DIR ?? defaultPipelinesDir(),
  );

  const progress = new ProgressReporter({
    stream: progressStream(globals, io),
    live: io.isTTY && globals.logFormat === "text",
  });
  const { logger, entries } = runLogger({
    level: globals.logLevel,
    format: globals.logFormat,
    stderr: io.stderr,
    progress,
  });

  let source: Source & { close?: () => Promise<void> };
  if (input.kind === "config") {
    source = restApiSource(input.config, { name: pipelineName, logger, env: io.env, cwd: io.cwd });
  } else source = input.source;
  const only = parseResourceList(flags.resources, source);

  const stages: RunTrace["stages"] = [];
  const onProgress = (e: ProgressEvent) => {
    if (e.type === "stage_start") progress.setStage(e.stage);
    else if (e.type === "stage_end") stages.push({ name: e.stage, duration_ms: Math.round(e.ms) });
  };
  const p = pipeline({
    pipeline_name: pipelineName,
    destination: destinationFromRecord(record, credentials),
    ...(datasetName === undefined ? {} : { dataset_name: datasetName }),
    pipelines_dir: pipelinesDir,
    full_refresh: flags.fullRefresh === true,
    logger,
    progress: onProgress,
  });
  writeDestinationRecord(p.workingDir, { ...record, dataset_name: p.datasetName });

  const trace = (status: RunTrace["status"], info?: LoadInfo, error?: unknown): string => {
    const snaps = progress.snapshots();
    return writeTrace(p.workingDir, {
      pipeline_name: pipelineName,
      config: input.file,
      destination: record.name,
      dataset_name: p.datasetName,
      location: p.destinationLocation,
      started_at: startedAt.toISOString(),
      finished_at: new Date().toISOString(),
      duration_ms: Math.round(performance.now() - started),
      status,
      ...(error === undefined ? {} : { error: errorTrace(error) }),
      load_ids: info?.loadIds ?? [],
      stages,
      resources: snaps.map((snap) => resourceTrace(snap, progress.pageLogs()[snap.name])),
      tables: info?.rowCounts ?? {},
      log: logTrace(entries as LogEntry[]),
    });
  };

  logger.info(`run ${pipelineName}: ${input.file} → ${record.name} ${p.destinationLocation}`);
  progress.start();
  // Ctrl-C: leave the terminal clean and a trace behind. The pipeline needs no cleanup — an interrupted
  // run is completed (or its partial package discarded) by the next one.
  const onInterrupt = () => {
    progress.stop();
    trace("interrupted");
    io.stderr.write(
      `error: interrupted\nhint: run the same command again: pending work is resumed, nothing is loaded twice\n`,
    );
    process.exit(130);
  };
  process.once("SIGINT", onInterrupt);
  let info: LoadInfo;
  try {
    info = await p.run(instrumentSource(source, progress), only ? { resources: only } : {});
  } catch (err) {
    progress.stop();
    // The error itself is printed once by main; the trace keeps it too.
    logger.debug(`run failed: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    trace("failed", undefined, err);
    throw err;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    await source.close?.();
  }
  progress.stop();
  const tracePath = trace("ok", info);
  io.stdout.write(formatSummary(info, progress.snapshots(), tracePath));
  return EXIT.ok;
}

function parseResourceList(raw: string | undefined, source: Source): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const known = new Set(source.resources.map((r) => r.name));
  const unknown = names.filter((n) => !known.has(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      names.length === 0
        ? "--resources is empty"
        : `Unknown resource${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`,
      `the config defines: ${[...known].join(", ")}`,
    );
  return names;
}

/** Where progress lines go: stderr as text, one JSON object per line with --log-format json, nowhere when silent. */
function progressStream(globals: GlobalOptions, io: CliIO): NodeJS.WritableStream {
  const write = (s: string): boolean => {
    if (globals.logLevel === "silent" || globals.logLevel === "error" || globals.logLevel === "warn")
      return true;
    if (globals.logFormat === "json") {
      for (const line of s.split("\n").filter((l) => l !== ""))
        io.stderr.write(
          `${JSON.stringify({ time: new Date().toISOString(), level: "info", msg: line, progress: true })}\n`,
        );
      return true;
    }
    return io.stderr.write(s);
  };
  return { write } as unknown as NodeJS.WritableStream;
}

function errorTrace(err: unknown): { message: string; hint?: string } {
  const message = err instanceof Error ? err.message : String(err);
  const hint =
    err !== null && typeof err === "object" && "hint" in err ? (err as { hint?: unknown }).hint : undefined;
  return typeof hint === "string" ? { message, hint } : { message };
}
