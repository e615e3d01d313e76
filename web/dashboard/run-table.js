/** The table of runs, shared by the pipeline overview and the run history. */

import { dataTable, numCell, statusBadge, timeAgo } from "./components.js";
import { h } from "./dom.js";
import { fmtDuration } from "./format.js";
import { links } from "./links.js";

const COLUMNS = [
  { label: "Run" },
  { label: "Status" },
  { label: "Started" },
  { label: "Duration", num: true },
  { label: "Rows", num: true },
  { label: "Records", num: true },
  { label: "Requests", num: true },
  { label: "Retries", num: true },
  { label: "Error" },
];

/**
 * @param {string} pipeline
 * @param {any[]} runs RunSummary[], newest first
 * @param {{ testid?: string }} [options]
 */
export function runTable(pipeline, runs, options = {}) {
  const rows = runs.map((r) =>
    h(
      "tr",
      { "data-testid": "run-row", "data-run-id": r.id, "data-status": r.status },
      h("th", { scope: "row" }, h("a", { href: links.run(pipeline, r.id), class: "mono" }, r.id)),
      h("td", null, statusBadge(r.status, "run-status")),
      h("td", null, timeAgo(r.started_at)),
      h("td", { class: "num" }, fmtDuration(r.duration_ms)),
      numCell(r.rows, "run-rows"),
      numCell(r.records, "run-records"),
      numCell(r.requests),
      numCell(r.retries),
      h(
        "td",
        { class: "error-cell" },
        r.error
          ? h("span", { title: r.error.hint ?? "" }, r.error.message)
          : h("span", { class: "muted" }, ""),
      ),
    ),
  );
  return dataTable(COLUMNS, rows, {
    caption: "Runs",
    testid: options.testid ?? "runs-table",
    empty: "No runs kept.",
  });
}
