import { existsSync } from "node:fs";
import { connectClient } from "../../scaleout/run-client.js";
import { createSchedule, deleteSchedule, listSchedules, scheduleId } from "../../scaleout/schedules.js";
import { DEFAULT_TASK_QUEUE, parseTemporalTarget } from "../../scaleout/temporal-address.js";
import { EXIT } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { UsageError } from "../report-error.js";
import { runInputFor } from "../temporal-run-input.js";
import { textTable } from "../text-table.js";
import type { RunFlags } from "./run.js";

export interface ScheduleFlags extends RunFlags {
  on?: string;
  cron?: string;
  every?: string;
  taskQueue?: string;
  json?: boolean;
}

/** `sluice schedule create|list|delete`: Temporal Schedules of pipelines, one per pipeline, never overlapping. */
export async function scheduleCommand(
  action: string,
  config: string | undefined,
  flags: ScheduleFlags,
  io: CliIO,
): Promise<number> {
  if (flags.on === undefined)
    throw new UsageError(
      `sluice schedule ${action} needs --on temporal://HOST:PORT`,
      "e.g. --on temporal://127.0.0.1:7233",
    );
  const target = parseTemporalTarget(flags.on, "--on");
  if (action === "create") {
    if (config === undefined)
      throw new UsageError(
        "sluice schedule create needs a config",
        'sluice schedule create my_api.yaml --cron "0 * * * *" --on …',
      );
    if ((flags.cron === undefined) === (flags.every === undefined))
      throw new UsageError(
        "give exactly one of --cron and --every",
        '--cron "0 * * * *" (hourly) or --every 15m',
      );
    if (flags.every !== undefined && !/^\d+(ms|s|m|h|d)$/.test(flags.every))
      throw new UsageError(`--every: "${flags.every}" is not a duration`, "e.g. --every 90s, 15m, 1h, 1d");
    const input = await runInputFor(config, flags, io);
    const { client, close } = await connectClient(target);
    try {
      const id = await createSchedule(
        client,
        input,
        flags.cron !== undefined ? { cron: flags.cron } : { every: flags.every! },
        flags.taskQueue ?? DEFAULT_TASK_QUEUE,
      );
      io.stdout.write(
        `schedule ${id} created: pipeline ${input.pipelineName}, ${flags.cron !== undefined ? `cron "${flags.cron}"` : `every ${flags.every}`}; a run still going when the next is due makes that one skipped\n`,
      );
    } finally {
      await close();
    }
    return EXIT.ok;
  }
  if (action === "list") {
    const { client, close } = await connectClient(target);
    try {
      const all = await listSchedules(client);
      if (flags.json) io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      else if (all.length === 0) io.stdout.write("(no sluice schedules)\n");
      else
        io.stdout.write(
          `${textTable(
            ["schedule", "pipeline", "when", "next run", "runs", "skipped", "paused"],
            all.map((s) => [
              s.id,
              s.pipelineName ?? "",
              s.when,
              s.nextRuns[0] ?? "",
              s.recentRuns,
              s.skipped,
              s.paused ? "yes" : "no",
            ]),
          )}\n`,
        );
    } finally {
      await close();
    }
    return EXIT.ok;
  }
  if (action === "delete") {
    if (config === undefined)
      throw new UsageError(
        "sluice schedule delete needs a config or a schedule id",
        "sluice schedule delete my_api.yaml --on …",
      );
    const id =
      config.startsWith("sluice-") && !existsSync(config)
        ? config
        : scheduleId(flags.pipeline ?? (await runInputFor(config, flags, io)).pipelineName);
    const { client, close } = await connectClient(target);
    try {
      await deleteSchedule(client, id);
      io.stdout.write(`schedule ${id} deleted (a run in progress goes on)\n`);
    } finally {
      await close();
    }
    return EXIT.ok;
  }
  throw new UsageError(`unknown schedule action "${action}"`, "use create, list or delete");
}
