/** `/`: every pipeline with its last run, live while one runs. */

import { api } from "../api.js";
import { dataTable, numCell, statusBadge, timeAgo } from "../components.js";
import { h, replace } from "../dom.js";
import { subscribe } from "../events.js";
import { fmtDuration, fmtInt } from "../format.js";
import { links } from "../links.js";

const COLUMNS = [
  { label: "Pipeline" },
  { label: "Last run" },
  { label: "When" },
  { label: "Duration", num: true },
  { label: "Rows loaded", num: true },
  { label: "Records", num: true },
  { label: "Destination" },
  { label: "Packages", title: "pending / failed load packages" },
];

/**
 * @param {any} p a PipelineSummary
 */
function row(p) {
  const run = p.running ?? p.last_run;
  const live = p.running !== undefined;
  return h(
    "tr",
    { "data-testid": "pipeline-row", "data-pipeline": p.name, "data-run-id": run?.id },
    h(
      "th",
      { scope: "row" },
      h("a", { href: links.pipeline(p.name), "data-testid": "pipeline-link" }, p.name),
    ),
    h(
      "td",
      { "data-testid": "status-cell" },
      run
        ? h(
            "a",
            { href: links.run(p.name, run.id), class: "badge-link" },
            statusBadge(run.status, "pipeline-status"),
          )
        : h("span", { class: "muted", "data-testid": "pipeline-status" }, "never run"),
      run?.error ? h("span", { class: "cell-note", title: run.error.message }, run.error.message) : null,
    ),
    h("td", null, timeAgo(run?.started_at, "pipeline-when")),
    h("td", { class: "num", "data-testid": "pipeline-duration" }, run ? fmtDuration(run.duration_ms) : "–"),
    numCell(run?.rows, "pipeline-rows"),
    h(
      "td",
      { class: "num", "data-testid": "pipeline-records", "aria-live": live ? "polite" : null },
      run ? fmtInt(run.records) : "–",
    ),
    h(
      "td",
      { class: "dest" },
      h("span", null, p.destination.name),
      " ",
      h("code", { class: "muted small", title: p.destination.location }, p.destination.location),
    ),
    h(
      "td",
      { "data-testid": "pipeline-packages" },
      p.pending_packages || p.failed_packages
        ? h(
            "a",
            { href: links.packages(p.name) },
            p.pending_packages
              ? h("span", { class: "pill pending" }, `${fmtInt(p.pending_packages)} pending`)
              : null,
            p.failed_packages
              ? h("span", { class: "pill failed" }, `${fmtInt(p.failed_packages)} failed`)
              : null,
          )
        : h("span", { class: "muted" }, "–"),
    ),
  );
}

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  /** @type {any} */
  let data = await api.pipelines(ctx.signal);
  const body = h("div", { "data-testid": "pipelines" });
  const dirNote = h("p", { class: "muted small" });

  const draw = () => {
    replace(dirNote, "Pipelines in ", h("code", { "data-testid": "pipelines-dir" }, data.pipelines_dir));
    const rows = [...data.pipelines].sort((a, b) => a.name.localeCompare(b.name)).map(row);
    replace(
      body,
      dataTable(COLUMNS, rows, {
        caption: "Pipelines",
        testid: "pipelines-table",
        empty: "No pipelines yet: run `sluice run <config>` and it appears here.",
      }),
    );
  };
  draw();

  let refetching = false;
  const refetch = async () => {
    if (refetching) return;
    refetching = true;
    try {
      data = await api.pipelines(ctx.signal);
      draw();
    } catch {
      // the next event tries again
    } finally {
      refetching = false;
    }
  };

  ctx.onCleanup(
    subscribe("pipelines", (next) => {
      data = next;
      draw();
    }),
  );
  ctx.onCleanup(
    subscribe("run", (live) => {
      const p = data.pipelines.find((/** @type {any} */ x) => x.name === live.pipeline);
      if (!p) {
        refetch();
        return;
      }
      if (live.status === "running") {
        p.running = live;
      } else {
        p.running = undefined;
        p.last_run = live;
        refetch();
      }
      draw();
    }),
  );

  return {
    page: "pipelines",
    title: "Pipelines",
    content: [h("header", { class: "page-header" }, h("h1", null, "Pipelines"), dirNote), body],
  };
}
