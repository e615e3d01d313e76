import type { LoadInfo } from "../pipeline/index.js";
import type { ProgressSnapshot } from "./progress.js";
import { formatCount, formatDuration, textTable } from "./text-table.js";

/** The end-of-run summary on stdout: rows per table, load id, duration, where the data is, what next. */
export function formatSummary(info: LoadInfo, resources: ProgressSnapshot[], tracePath: string): string {
  const records = Object.values(info.records).reduce((n, r) => n + r, 0);
  const retries = resources.reduce((n, r) => n + r.retries, 0);
  const requests = resources.reduce((n, r) => n + r.requests, 0);
  const tables = Object.entries(info.rowCounts).sort(([a], [b]) => a.localeCompare(b));
  const resourceCount = Object.keys(info.records).length;
  const lines = [
    "",
    `Loaded ${formatCount(records)} records from ${resourceCount} resource${resourceCount === 1 ? "" : "s"} into ${tables.length} table${tables.length === 1 ? "" : "s"} in ${formatDuration(info.timings.totalMs)}` +
      (requests > 0
        ? ` (${formatCount(requests)} requests, ${retries} retr${retries === 1 ? "y" : "ies"})`
        : ""),
    "",
    tables.length > 0 ? textTable(["table", "rows"], tables) : "(no rows: nothing new to load)",
    "",
    `load id:  ${info.loadIds.length > 0 ? info.loadIds.join(", ") : "(none)"}`,
    `stages:   extract ${formatDuration(info.timings.extractMs)}, normalize ${formatDuration(info.timings.normalizeMs)}, load ${formatDuration(info.timings.loadMs)}`,
    `data:     ${info.destination.name} ${info.destination.location}`,
    `trace:    ${tracePath}`,
    `next:     sluice pipeline ${info.pipelineName} info${tables[0] ? ` | sluice pipeline ${info.pipelineName} show ${tables[0][0]}` : ""}`,
    "",
  ];
  return lines.join("\n");
}
