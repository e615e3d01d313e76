import { connectClient, runOnTemporal } from "../../scaleout/run-client.js";
import type { RunOutcome, RunProgress } from "../../scaleout/run-input.js";
import { DEFAULT_TASK_QUEUE, parseTemporalTarget } from "../../scaleout/temporal-address.js";
import { EXIT } from "../exit-codes.js";
import type { GlobalOptions } from "../global-options.js";
import { exitCodeForSignal, InterruptedError, watchSignals } from "../interrupt.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../report-error.js";
import { runLogger } from "../run-logger.js";
import { runInputFor } from "../temporal-run-input.js";
import { formatCount, formatDuration, plural, textTable } from "../text-table.js";
import type { RunFlags } from "./run.js";

/**
 * `sluice run <config> --on temporal://HOST:PORT[/ns]`: the same run, as a workflow on Temporal. The CLI
 * starts it, prints its progress while workers run the partitions, and exits as a local run would: 0
 * with the summary, 1 with sluice's error and hint, 130/143 when stopped (the workflow is cancelled).
 */
export async function runTemporalCommand(
  configPath: string,
  flags: RunFlags & { on: string; taskQueue?: string },
  globals: GlobalOptions,
  io: CliIO,
): Promise<number> {
  for (const [flag, value] of [
    ["--record", flags.record],
    ["--replay", flags.replay],
  ] as const)
    if (value !== undefined)
      throw new UsageError(`${flag} cannot be used with --on`, "record or replay a local run: drop --on");
  const target = parseTemporalTarget(flags.on, "--on");
  const input = await runInputFor(configPath, flags, io);
  const { logger } = runLogger({ level: globals.logLevel, format: globals.logFormat, stderr: io.stderr });
  const started = performance.now();
  const { client, close } = await connectClient(target);
  logger.info(`run ${input.pipelineName} on Temporal ${target.address}/${target.namespace}`);
  const signals = watchSignals({
    onFirst: (sig) =>
      logger.info(`${sig} received: cancelling the workflow (send it again to stop following it)`),
    onSecond: (sig) => process.exit(exitCodeForSignal(sig)),
  });
  let last = "";
  const show = (p: RunProgress) => {
    const line = progressLine(p);
    if (line !== last) logger.info(line);
    last = line;
  };
  let outcome: RunOutcome;
  try {
    outcome = await runOnTemporal(client, input, {
      taskQueue: flags.taskQueue ?? DEFAULT_TASK_QUEUE,
      onProgress: show,
      signal: signals.signal,
    });
  } catch (err) {
    const sig = signals.received();
    if (sig !== undefined)
      throw new InterruptedError(
        sig,
        `interrupted by ${sig}: the workflow was cancelled; nothing was half-loaded`,
        "run the same command again",
      );
    throw err;
  } finally {
    signals.dispose();
    await close();
  }
  io.stdout.write(formatOutcome(input.pipelineName, outcome, performance.now() - started, globals.logFormat));
  return EXIT.ok;
}

function progressLine(p: RunProgress): string {
  if (p.phase === "plan") return "planning partitions";
  const records = Object.values(p.records).reduce((n, r) => n + r, 0);
  return `${p.phase}: ${p.done}/${p.partitions} partitions done, ${plural(records, "record")}, ${plural(p.pages, "page")}`;
}

function formatOutcome(pipelineName: string, o: RunOutcome, ms: number, format: "text" | "json"): string {
  if (format === "json")
    return `${JSON.stringify({ pipeline_name: pipelineName, duration_ms: Math.round(ms), ...o })}\n`;
  const records = Object.values(o.records).reduce((n, r) => n + r, 0);
  const tables = Object.entries(o.rowCounts).sort(([a], [b]) => a.localeCompare(b));
  return [
    "",
    `Loaded ${plural(records, "record")} into ${plural(tables.length, "table")} in ${formatDuration(ms)} on Temporal (${plural(o.partitions, "partition")}, ${plural(o.pages, "page")}, ${plural(o.requests, "request")}, ${o.retries} retr${o.retries === 1 ? "y" : "ies"})`,
    "",
    tables.length > 0 ? textTable(["table", "rows"], tables) : "(no rows: nothing new to load)",
    "",
    `load id:  ${o.loadId}${o.committed ? "" : " (already committed before: nothing loaded twice)"}`,
    `workers:  ${formatCount(o.retriedPartitions)} partition(s) retried, ${formatCount(o.resumedPartitions)} resumed from a checkpoint`,
    ...(o.renormalized === undefined
      ? []
      : [`schema:   partitions disagreed (${o.renormalized}); normalized again in order`]),
    `stages:   extract ${formatDuration(o.extractMs)}, load ${formatDuration(o.loadMs)}`,
    `next:     npx sluice pipeline ${pipelineName} info`,
    "",
  ].join("\n");
}
