import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from "@temporalio/client";
import { SluiceError } from "../core/errors.js";
import { runWorkflowId } from "./run-client.js";
import type { RunInput } from "./run-input.js";

/** When a schedule fires: a cron expression, or a fixed interval (`90s`, `15m`, `1h`). */
export type ScheduleWhen = { cron: string } | { every: string };

export interface ScheduleSummary {
  id: string;
  pipelineName: string | undefined;
  when: string;
  nextRuns: string[];
  recentRuns: number;
  /** Times it did not start a run because the previous one was still running. */
  skipped: number;
  paused: boolean;
}

export function scheduleId(pipelineName: string): string {
  return `sluice-${pipelineName}`;
}

/**
 * A Temporal Schedule that runs the pipeline. Overlap policy SKIP: a run still going when the next one is
 * due makes that one skipped, never a second run of the pipeline at the same time.
 */
export async function createSchedule(
  client: Client,
  input: RunInput,
  when: ScheduleWhen,
  taskQueue: string,
): Promise<string> {
  const id = scheduleId(input.pipelineName);
  try {
    await client.schedule.create({
      scheduleId: id,
      spec:
        "cron" in when
          ? { cronExpressions: [when.cron] }
          : { intervals: [{ every: when.every as `${number}s` }] },
      action: {
        type: "startWorkflow",
        workflowType: "sluiceRun",
        workflowId: runWorkflowId(input.pipelineName),
        taskQueue,
        args: [input],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: "1m" },
      memo: {
        sluice_pipeline: input.pipelineName,
        sluice_when: "cron" in when ? `cron "${when.cron}"` : `every ${when.every}`,
      },
    });
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning)
      throw new SluiceError(`a schedule for pipeline "${input.pipelineName}" exists already (${id})`, {
        code: "SCHEDULE_EXISTS",
        hint: `Delete it first: sluice schedule delete ${id} --on …`,
      });
    throw new SluiceError(`Temporal refused the schedule ${id}: ${(err as Error).message}`, {
      code: "SCHEDULE_INVALID",
      hint: 'Check --cron (five fields, e.g. "0 * * * *") or --every (e.g. 15m).',
    });
  }
  return id;
}

export async function listSchedules(client: Client): Promise<ScheduleSummary[]> {
  const out: ScheduleSummary[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith("sluice-")) continue;
    const d = await client.schedule.getHandle(s.scheduleId).describe();
    // Temporal describes a cron expression as calendars: the memo keeps what the user wrote.
    const when =
      (d.memo?.["sluice_when"] as string | undefined) ??
      (d.spec.intervals ?? []).map((i) => `every ${formatEvery(i.every)}`).join(", ");
    out.push({
      id: s.scheduleId,
      pipelineName: (d.memo?.["sluice_pipeline"] as string | undefined) ?? undefined,
      when,
      nextRuns: d.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
      recentRuns: d.info.recentActions.length,
      skipped: d.info.numActionsSkippedOverlap,
      paused: d.state.paused,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

export async function deleteSchedule(client: Client, id: string): Promise<void> {
  try {
    await client.schedule.getHandle(id).delete();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError)
      throw new SluiceError(`there is no schedule ${id}`, {
        code: "SCHEDULE_UNKNOWN",
        hint: "List them: sluice schedule list --on …",
      });
    throw err;
  }
}

function formatEvery(every: unknown): string {
  if (typeof every === "number") return `${Math.round(every / 1000)}s`;
  return String(every);
}
