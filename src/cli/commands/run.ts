import { resolve } from "node:path";
import { MissingSecretError, secretEnvName } from "../../core/errors.js";
import type { LogEntry } from "../../core/logger.js";
import type { Source } from "../../core/resource.js";
import { destinationForRun } from "../../destinations/registry.js";
import { type CassetteSession, openCassette } from "../../http/cassette/index.js";
import { writeDestinationRecord } from "../../pipeline/destination-record.js";
import { type LoadInfo, type ProgressEvent, pipeline } from "../../pipeline/index.js";
import { type ReadEndpoint, serveLiveReads } from "../../pipeline/live-reads.js";
import {
  DEFAULT_RUN_RETENTION,
  newRunId,
  pruneRuns,
  type RunTrace,
  writeRun,
} from "../../pipeline/run-history.js";
import { releaseOwnRunLock } from "../../pipeline/run-lock.js";
import { restApiSource } from "../../sources/rest_api/index.js";
import { configStem, readConfigInput } from "../config-input.js";
import { destinationOptions } from "../destination-flags.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { instrumentSource } from "../instrument-source.js";
import { exitCodeForSignal, InterruptedError, watchSignals } from "../interrupt.js";
import type { CliIO } from "../io.js";
import { pipelinesDir as pipelinesDirOf } from "../open-pipeline.js";
import { ProgressReporter } from "../progress.js";
import { reportError, UsageError } from "../report-error.js";
import { RequestLog } from "../request-log.js";
import { runLogger } from "../run-logger.js";
import { RunTimeline } from "../run-timeline.js";
import { formatSummary, formatSummaryJson } from "../summary.js";
import { logTrace, resourceTrace } from "../trace.js";

export interface RunFlags {
  pipeline?: string;
  destination?: string;
  dataset?: string;
  pipelinesDir?: string;
  fullRefresh?: boolean;
  resources?: string;
  credentials?: string;
  bucketUrl?: string;
  fileFormat?: string;
  /** Record every HTTP exchange into a cassette in this directory. */
  record?: string;
  /** Answer every request from the cassette in this directory: no network. */
  replay?: string;
  /** With --replay: fail when a recorded exchange went unused. */
  strict?: boolean;
  /** With --record: overwrite an existing cassette. */
  update?: boolean;
  /** `temporal://HOST:PORT[/namespace]`: run as a workflow on Temporal's workers. */
  on?: string;
  taskQueue?: string;
  /** With --on: pages per partition, parent records per child partition, seconds until a silent worker is dead. */
  partitionPages?: string;
  partitionParents?: string;
  heartbeatTimeout?: string;
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
  const scaleOnly = [
    ["--partition-pages", flags.partitionPages],
    ["--partition-parents", flags.partitionParents],
    ["--heartbeat-timeout", flags.heartbeatTimeout],
    ["--task-queue", flags.taskQueue],
  ].find(([, v]) => v !== undefined);
  if (flags.on === undefined && scaleOnly !== undefined)
    throw new UsageError(
      `${scaleOnly[0]} needs --on temporal://HOST:PORT`,
      "it tunes a run on Temporal's workers",
    );
  if (flags.on !== undefined) {
    const { runTemporalCommand } = await import("./run-temporal.js");
    return runTemporalCommand(configPath, { ...flags, on: flags.on }, globals, io);
  }
  const startedAt = new Date();
  const started = performance.now();
  const input = await readConfigInput(configPath, io);
  const block = input.kind === "config" ? input.config.pipeline : undefined;
  const pipelineName = flags.pipeline ?? block?.pipeline_name ?? configStem(configPath);
  const { destination, record } = destinationForRun(
    flags.destination ?? block?.destination ?? "duckdb",
    destinationOptions(flags),
    { pipelineName, cwd: io.cwd, env: io.env },
  );
  const datasetName = flags.dataset ?? block?.dataset_name;
  const pipelinesDir = pipelinesDirOf(flags.pipelinesDir, io);

  // Progress lines are info-level: hidden at --log-level warn and above (log lines are not).
  const showProgress = globals.logLevel === "debug" || globals.logLevel === "info";
  const progress = new ProgressReporter({
    stream: showProgress ? io.stderr : DISCARD,
    live: showProgress && io.isTTY && globals.logFormat === "text",
    json: globals.logFormat === "json",
    columns: () => terminalColumns(io.stderr),
  });
  const { logger, entries } = runLogger({
    level: globals.logLevel,
    format: globals.logFormat,
    stderr: io.stderr,
    progress,
  });

  const cassette = cassetteFor(flags, pipelineName, io.cwd, input.kind);
  let source: Source & { close?: () => Promise<void> };
  if (input.kind === "config") {
    const build = (env: NodeJS.ProcessEnv) =>
      restApiSource(input.config, {
        name: pipelineName,
        logger,
        env,
        cwd: io.cwd,
        ...(cassette === undefined ? {} : { cassette }),
      });
    try {
      source = build(io.env);
    } catch (err) {
      // A replay sends no secret anywhere and matches scrubbed ones by place: a stand-in does.
      if (cassette?.mode !== "replay" || !(err instanceof MissingSecretError)) throw err;
      const env = { ...io.env };
      for (const name of err.names) env[secretEnvName(name)] = `cassette-stand-in-${name}`;
      source = build(env);
    }
  } else source = input.source;
  if (cassette)
    logger.info(`${cassette.mode === "record" ? "recording to" : "replaying from"} ${cassette.path}`);
  const only = parseResourceList(flags.resources, source);

  const stages: RunTrace["stages"] = [];
  let recorded = false;
  // The record says where the data is: written once the run really starts (it holds the lock and reached
  // the destination), so a run refused before that leaves the last real run's record in place.
  const recordDestination = () => {
    if (recorded) return;
    recorded = true;
    writeDestinationRecord(p.workingDir, { ...record, dataset_name: p.datasetName });
  };
  const requests = new RequestLog(started);
  const timeline = new RunTimeline();
  let stage: string | undefined;
  const rootResources = new Set(source.resources.filter((r) => r.parent === undefined).map((r) => r.name));
  const onProgress = (e: ProgressEvent) => {
    if (e.type === "request") {
      const r = requests.add(e.resource, e.request);
      timeline.request(e.resource, r.at_ms, r.durationMs);
      // A child reads once per parent record: one pagination's total is not the resource's.
      const expected = r.page?.expectedPages;
      if (expected !== undefined && rootResources.has(e.resource)) progress.expectPages(e.resource, expected);
      logger.debug(`${r.method} ${r.url} → ${r.status || "network error"}`, {
        resource: e.resource,
        attempt: r.attempt,
        ms: Math.round(r.durationMs),
        bytes: r.bytes,
        ...(r.waitMs >= 1 ? { wait_ms: Math.round(r.waitMs) } : {}),
        ...(r.page === undefined ? {} : { records: r.page.records, next: r.page.next }),
        ...(r.retry === undefined ? {} : { retry_in_ms: r.retry.delayMs }),
      });
    } else if (e.type === "stage_start") {
      recordDestination();
      stage = e.stage;
      progress.setStage(e.stage);
    } else if (e.type === "stage_end") stages.push({ name: e.stage, duration_ms: Math.round(e.ms) });
  };
  const p = pipeline({
    pipeline_name: pipelineName,
    destination,
    ...(datasetName === undefined ? {} : { dataset_name: datasetName }),
    pipelines_dir: pipelinesDir,
    full_refresh: flags.fullRefresh === true,
    logger,
    progress: onProgress,
  });

  const runId = newRunId(startedAt);
  let readEndpoint: ReadEndpoint | undefined;
  // The run record: written now, rewritten each second while running (what `sluice dashboard` follows
  // live), and a last time with everything when the run ends, however it ends.
  const trace = (status: RunTrace["status"], info?: LoadInfo, error?: unknown): string => {
    const snaps = progress.snapshots();
    const live = status === "running";
    return writeRun(p.workingDir, {
      id: runId,
      pipeline_name: pipelineName,
      config: input.file,
      destination: record.name,
      dataset_name: p.datasetName,
      location: p.destinationLocation,
      started_at: startedAt.toISOString(),
      ...(live ? {} : { finished_at: new Date().toISOString() }),
      duration_ms: Math.round(performance.now() - started),
      status,
      ...(live ? { pid: process.pid, ...(stage === undefined ? {} : { stage }) } : {}),
      ...(live && readEndpoint !== undefined ? { read_endpoint: readEndpoint } : {}),
      ...(error === undefined ? {} : { error: errorTrace(error) }),
      load_ids: info?.loadIds ?? [],
      stages,
      resources: snaps.map((snap) =>
        resourceTrace(snap, { pagesLog: progress.pageLogs()[snap.name], requests, timeline, live }),
      ),
      tables: info?.rowCounts ?? {},
      log: logTrace(entries as LogEntry[]),
    });
  };

  logger.info(`run ${pipelineName}: ${input.file} → ${record.name} ${p.destinationLocation}`);
  const reads = destination.capabilities.singleProcess
    ? await serveLiveReads((fn) => p.withReader(fn, { runOnly: true }))
    : undefined;
  if (reads !== undefined) readEndpoint = { port: reads.port, token: reads.token };
  trace("running");
  const liveRecord = setInterval(() => trace("running"), LIVE_RECORD_MS);
  liveRecord.unref();
  const endLive = async () => {
    clearInterval(liveRecord);
    readEndpoint = undefined;
    // Viewers stop asking the run before it stops answering.
    if (reads !== undefined) trace("running");
    await reads?.close();
    pruneRuns(p.workingDir, { ...DEFAULT_RUN_RETENTION, ...block?.run_history }, runId);
  };
  progress.start();
  // SIGINT / SIGTERM: stop fetching and unwind (the package being extracted is discarded, a load in
  // progress finishes), then write the trace, release the lock and report once. A second signal while
  // that happens ends the process at once, still leaving the trace and no lock behind.
  const signals = watchSignals({
    onFirst: (sig) =>
      logger.info(`${sig} received: stopping cleanly (send it again to stop at once)`, { signal: sig }),
    onSecond: (sig) => {
      clearInterval(liveRecord);
      progress.stop("interrupted");
      const first = signals.received() ?? sig;
      const err = new InterruptedError(
        sig,
        `interrupted by ${first}, then ${sig}${sig === first ? " again" : ""} while stopping: stopped at once`,
        "run the same command again: an unfinished package is discarded or completed, nothing is loaded twice",
      );
      trace("interrupted", undefined, err);
      releaseOwnRunLock(p.workingDir);
      reportError(err, io.stderr, globals.verbose, globals.logFormat);
      process.exit(exitCodeForSignal(sig));
    },
  });
  let info: LoadInfo | undefined;
  let failure: unknown;
  try {
    info = await p.run(
      instrumentSource(source, progress, (name, n) => timeline.page(name, n, performance.now() - started)),
      {
        ...(only ? { resources: only } : {}),
        signal: signals.signal,
      },
    );
  } catch (err) {
    failure = err;
  } finally {
    await source.close?.();
    // Recorded whatever happened: a cassette of a failed run shows what the API answered.
    try {
      cassette?.finish();
    } catch (err) {
      if (info !== undefined) {
        info = undefined;
        failure = err;
      }
    }
    await endLive();
  }
  const sig = signals.received();
  signals.dispose();
  if (sig !== undefined) {
    progress.stop("interrupted");
    // What the run was doing when it stopped (an aborted request, or a failure of its own) stays in the trace.
    if (failure !== undefined && failure !== signals.signal.reason)
      logger.debug(
        `stopped with: ${failure instanceof Error ? failure.message.split("\n")[0] : String(failure)}`,
      );
    const err =
      info === undefined
        ? new InterruptedError(
            sig,
            `interrupted by ${sig}: fetching stopped and the data being extracted was discarded; nothing was half-loaded`,
            "run the same command again: pending work is resumed, nothing is loaded twice",
          )
        : new InterruptedError(
            sig,
            `interrupted by ${sig} while loading: the load in progress was completed (load id ${info.loadIds.join(", ") || "none"})`,
            "nothing is left to resume; run the command again for newer data",
          );
    trace("interrupted", info, err);
    throw err;
  }
  if (info === undefined) {
    progress.stop("failed");
    // The error itself is printed once by main; the trace keeps it too.
    logger.debug(
      `run failed: ${failure instanceof Error ? failure.message.split("\n")[0] : String(failure)}`,
    );
    trace("failed", undefined, failure);
    throw failure;
  }
  recordDestination();
  progress.stop();
  const tracePath = trace("ok", info);
  io.stdout.write(
    globals.logFormat === "json"
      ? formatSummaryJson(info, progress.snapshots(), tracePath)
      : formatSummary(info, progress.snapshots(), tracePath, (args) =>
          flags.pipelinesDir === undefined
            ? `npx sluice ${args}`
            : `npx sluice ${args} --pipelines-dir ${shellWord(flags.pipelinesDir)}`,
        ),
  );
  return EXIT.ok;
}

/** The cassette the flags ask for, checked before anything runs. */
function cassetteFor(
  flags: RunFlags,
  pipelineName: string,
  cwd: string,
  kind: "config" | "source",
): CassetteSession | undefined {
  if (flags.record !== undefined && flags.replay !== undefined)
    throw new UsageError("--record and --replay cannot be used together", "record one run, then replay it");
  if (flags.strict && flags.replay === undefined)
    throw new UsageError("--strict needs --replay <dir>", "sluice run <config> --replay <dir> --strict");
  if (flags.update && flags.record === undefined)
    throw new UsageError("--update needs --record <dir>", "sluice run <config> --record <dir> --update");
  const dir = flags.record ?? flags.replay;
  if (dir === undefined) return undefined;
  if (kind === "source")
    throw new UsageError(
      "--record and --replay need a config (a file, or a module whose default export is a config object), not a ready source",
      "export the config object itself from the module: sluice builds the source",
    );
  return openCassette({
    mode: flags.record !== undefined ? "record" : "replay",
    dir: resolve(cwd, dir),
    pipeline: pipelineName,
    strict: flags.strict === true,
    update: flags.update === true,
  });
}

/** How often the run record is rewritten while the run goes on. */
const LIVE_RECORD_MS = 1000;

const DISCARD = { write: () => true } as unknown as NodeJS.WritableStream;

/** The terminal's width, when stderr is one. */
function terminalColumns(stream: NodeJS.WritableStream): number | undefined {
  const columns = (stream as { columns?: unknown }).columns;
  return typeof columns === "number" && columns > 0 ? columns : undefined;
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

function errorTrace(err: unknown): { message: string; hint?: string } {
  const message = err instanceof Error ? err.message : String(err);
  const hint =
    err !== null && typeof err === "object" && "hint" in err ? (err as { hint?: unknown }).hint : undefined;
  return typeof hint === "string" ? { message, hint } : { message };
}

/** A path as one shell word: quoted only when it needs to be. */
function shellWord(s: string): string {
  return /^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
