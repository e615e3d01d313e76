import type { LoadInfo } from "../pipeline/index.js";
import type { ProgressSnapshot } from "./progress.js";
import { formatDuration, plural, textTable } from "./text-table.js";

/**
 * The end-of-run summary on stdout: rows per table, load id, duration, where the data is, what next.
 * `command` is how the user reaches this pipeline again (`npx sluice`, plus `--pipelines-dir` when the
 * run was given one), so the next steps run as printed.
 */
export function formatSummary(
  info: LoadInfo,
  resources: ProgressSnapshot[],
  tracePath: string,
  command: (args: string) => string = (args) => `npx sluice ${args}`,
): string {
  const records = Object.values(info.records).reduce((n, r) => n + r, 0);
  const retries = resources.reduce((n, r) => n + r.retries, 0);
  const requests = resources.reduce((n, r) => n + r.requests, 0);
  const tables = Object.entries(info.rowCounts).sort(([a], [b]) => a.localeCompare(b));
  const resourceCount = Object.keys(info.records).length;
  const empty = emptyResources(info);
  const lines = [
    "",
    `Loaded ${plural(records, "record")} from ${plural(resourceCount, "resource")} into ${plural(tables.length, "table")} in ${formatDuration(info.timings.totalMs)}` +
      (requests > 0
        ? ` (${plural(requests, "request")}, ${retries} retr${retries === 1 ? "y" : "ies"})`
        : ""),
    "",
    tables.length > 0 ? textTable(["table", "rows"], tables) : "(no rows: nothing new to load)",
    "",
    ...requestLines(resources),
    // An empty load must never pass unnoticed: a selector or filter that matches nothing looks like success.
    ...(empty.length > 0 ? [...empty.map((name) => `${name}: ${EMPTY_NOTE}`), ""] : []),
    `load id:  ${info.loadIds.length > 0 ? info.loadIds.join(", ") : "(none)"}`,
    `stages:   extract ${formatDuration(info.timings.extractMs)}, normalize ${formatDuration(info.timings.normalizeMs)}, load ${formatDuration(info.timings.loadMs)}`,
    `data:     ${info.destination.name} ${info.destination.location}`,
    `trace:    ${tracePath}`,
    `next:     ${command(`pipeline ${info.pipelineName} info`)}${tables[0] ? ` | ${command(`pipeline ${info.pipelineName} show ${tables[0][0]}`)}` : ""}`,
    "",
  ];
  return lines.join("\n");
}

/**
 * Per resource that made requests: how many, how many were retries, and how many were in flight on
 * average, which says at a glance whether parallel paging and children took effect.
 */
function requestLines(resources: ProgressSnapshot[]): string[] {
  const rows = resources
    .filter((r) => r.requests > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => [r.name, r.requests, r.retries, r.avgInFlight.toFixed(1)]);
  if (rows.length === 0) return [];
  return [textTable(["resource", "requests", "retries", "avg in flight"], rows), ""];
}

const EMPTY_NOTE =
  "0 records — check data_selector / filters (params, incremental start), or the API had nothing new";

/** Resources this run extracted that produced no record, sorted. */
export function emptyResources(info: LoadInfo): string[] {
  return Object.entries(info.records)
    .filter(([, n]) => n === 0)
    .map(([name]) => name)
    .sort();
}

/** `--log-format json`: the summary as one JSON object on one line, like every other line of the run. */
export function formatSummaryJson(info: LoadInfo, resources: ProgressSnapshot[], tracePath: string): string {
  const records = Object.values(info.records).reduce((n, r) => n + r, 0);
  const empty = emptyResources(info);
  const line = {
    time: new Date().toISOString(),
    level: empty.length > 0 ? "warn" : "info",
    msg: `loaded ${records} record${records === 1 ? "" : "s"} into ${plural(Object.keys(info.rowCounts).length, "table")}`,
    pipeline: info.pipelineName,
    dataset: info.datasetName,
    destination: info.destination.name,
    location: info.destination.location,
    load_ids: info.loadIds,
    records: info.records,
    tables: info.rowCounts,
    ...(empty.length > 0 ? { empty_resources: empty, hint: `${empty.join(", ")}: ${EMPTY_NOTE}` } : {}),
    requests: resources.reduce((n, r) => n + r.requests, 0),
    retries: resources.reduce((n, r) => n + r.retries, 0),
    duration_ms: Math.round(info.timings.totalMs),
    trace: tracePath,
  };
  return `${JSON.stringify(line)}\n`;
}
