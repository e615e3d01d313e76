import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readDestinationRecord } from "../../pipeline/destination-record.js";
import { readLatestRun } from "../../pipeline/run-history.js";
import { EXIT } from "../exit-codes.js";
import type { CliIO } from "../io.js";
import { pipelinesDir } from "../open-pipeline.js";
import { formatDuration, textTable } from "../text-table.js";

/**
 * `sluice pipeline list`: every pipeline in the pipelines dir (the flag, `$SLUICE_PIPELINES_DIR`, or
 * `~/.sluice/pipelines`), with its last run and its destination, so a user sees where sluice looks.
 */
export function pipelineList(flags: { pipelinesDir?: string; json?: boolean }, io: CliIO): number {
  const dir = pipelinesDir(flags.pipelinesDir, io);
  const names = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => statSync(join(dir, n)).isDirectory())
        .sort()
    : [];
  const pipelines = names.map((name) => {
    const workingDir = join(dir, name);
    const trace = readLatestRun(workingDir);
    const record = readDestinationRecord(workingDir);
    const rows = Object.values(trace?.tables ?? {}).reduce((n, r) => n + r, 0);
    return {
      name,
      working_dir: workingDir,
      destination: record?.name ?? trace?.destination ?? "duckdb",
      location: trace?.location ?? "",
      last_run:
        trace === undefined
          ? undefined
          : {
              status: trace.status,
              finished_at: trace.finished_at ?? "",
              duration_ms: trace.duration_ms,
              rows,
            },
    };
  });
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ pipelines_dir: dir, pipelines }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (pipelines.length === 0) {
    io.stdout.write(
      `No pipelines in ${dir} yet: \`npx sluice run <config>\` creates one (--pipelines-dir or $SLUICE_PIPELINES_DIR to look elsewhere).\n`,
    );
    return EXIT.ok;
  }
  io.stdout.write(
    `Pipelines in ${dir}:\n\n${textTable(
      ["pipeline", "last run", "finished", "took", "rows", "destination"],
      pipelines.map((p) => [
        p.name,
        p.last_run?.status ?? "(never ran)",
        p.last_run?.finished_at ?? "",
        p.last_run === undefined ? "" : formatDuration(p.last_run.duration_ms),
        p.last_run?.rows ?? 0,
        `${p.destination} ${p.location}`.trim(),
      ]),
    )}\n`,
  );
  return EXIT.ok;
}
