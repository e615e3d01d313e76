/**
 * `/p/:name/runs/:id`: one run: status and times, error and hint, stages, rows per table, resources
 * with their counters and timelines, and the log. A running run updates live from SSE `run` events.
 */

import { api } from "../api.js";
import { timelineChart } from "../charts.js";
import {
  bar,
  dataTable,
  errorBox,
  facts,
  numCell,
  pipelineHeader,
  progress,
  statusBadge,
  timeAgo,
} from "../components.js";
import { h, replace } from "../dom.js";
import { subscribe } from "../events.js";
import { fmtDec, fmtDuration, fmtInt, fmtTime } from "../format.js";
import { links } from "../links.js";

const RESOURCE_COLUMNS = [
  { label: "Resource" },
  { label: "Status" },
  { label: "Pages", num: true },
  { label: "Records", num: true },
  { label: "Requests", num: true },
  { label: "Retries", num: true },
  { label: "429s", num: true, title: "responses with status 429 (throttled)" },
  { label: "Failed", num: true, title: "requests that ended in a 4xx/5xx or a network error" },
  {
    label: "Wait",
    num: true,
    title: "time spent waiting before requests (rate limit, Retry-After, backoff)",
  },
  { label: "Avg in flight", num: true },
  { label: "Elapsed", num: true },
];

/**
 * Pages done of pages expected, summed over resources (undefined when any total is unknown).
 * @param {any[]} resources
 */
function pageProgress(resources) {
  const done = resources.reduce((n, r) => n + (r.pages ?? 0), 0);
  const known = resources.length > 0 && resources.every((r) => typeof r.expected_pages === "number");
  const total = known ? resources.reduce((n, r) => n + r.expected_pages, 0) : undefined;
  return { done, total };
}

/**
 * @param {string} name
 * @param {any} run a RunDetail
 */
function resourceRow(name, run, /** @type {any} */ r) {
  return h(
    "tr",
    { "data-testid": "resource-row", "data-resource": r.name },
    h("th", { scope: "row" }, h("a", { href: links.resource(name, run.id, r.name) }, r.name)),
    h("td", { "data-testid": "resource-status-cell" }, statusBadge(r.status, "resource-status")),
    h(
      "td",
      { class: "num", "data-testid": "pages", "data-value": r.pages },
      fmtInt(r.pages),
      typeof r.expected_pages === "number"
        ? h("span", { class: "muted" }, ` / ${fmtInt(r.expected_pages)}`)
        : null,
    ),
    numCell(r.records, "records"),
    numCell(r.requests, "requests"),
    numCell(r.retries, "retries"),
    numCell(r.throttled, "throttled"),
    numCell(r.failed_requests, "failed-requests"),
    h("td", { class: "num", "data-testid": "wait" }, fmtDuration(r.wait_ms)),
    h("td", { class: "num", "data-testid": "avg-in-flight" }, fmtDec(r.avg_in_flight)),
    h("td", { class: "num", "data-testid": "elapsed" }, fmtDuration(r.elapsed_ms)),
  );
}

/**
 * @param {any[]} stages
 * @param {number} total
 */
function stagesTable(stages, total) {
  const max = Math.max(total, ...stages.map((s) => s.duration_ms), 1);
  return dataTable(
    [{ label: "Stage" }, { label: "Duration", num: true }, { label: "Share of the run" }],
    stages.map((s) =>
      h(
        "tr",
        { "data-testid": "stage-row", "data-stage": s.name },
        h("th", { scope: "row" }, s.name),
        h("td", { class: "num" }, fmtDuration(s.duration_ms)),
        h("td", { class: "bar-cell" }, bar(s.duration_ms, max, `${s.name}: ${fmtDuration(s.duration_ms)}`)),
      ),
    ),
    { caption: "Stages", testid: "stages", empty: "No stage finished yet." },
  );
}

/**
 * @param {string} name
 * @param {Record<string, number>} tables
 */
function tablesTable(name, tables) {
  const entries = Object.entries(tables ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return dataTable(
    [{ label: "Table" }, { label: "Rows loaded", num: true }],
    entries.map(([table, rows]) =>
      h(
        "tr",
        { "data-testid": "table-row", "data-table": table },
        h("th", { scope: "row" }, h("a", { href: links.table(name, table), class: "mono" }, table)),
        numCell(rows, "rows"),
      ),
    ),
    { caption: "Rows per table", testid: "tables", empty: "No rows loaded." },
  );
}

const LEVELS = ["debug", "info", "warn", "error"];

/** @param {any[]} log */
function logSection(log) {
  const list = h("div", null);
  const select = h(
    "select",
    { id: "log-level", "data-testid": "log-level" },
    LEVELS.map((l) => h("option", { value: l, selected: l === "info" }, `${l} and above`)),
  );
  const draw = () => {
    const min = LEVELS.indexOf(/** @type {HTMLSelectElement} */ (select).value);
    const shown = log.filter((e) => {
      const i = LEVELS.indexOf(String(e.level).toLowerCase());
      return i === -1 || i >= min;
    });
    replace(
      list,
      dataTable(
        [{ label: "Level" }, { label: "Time" }, { label: "Message" }],
        shown.map((e) =>
          h(
            "tr",
            { class: `log-${String(e.level).toLowerCase()}`, "data-testid": "log-row" },
            h("td", null, h("span", { class: `level level-${String(e.level).toLowerCase()}` }, e.level)),
            h("td", { class: "mono nowrap", title: e.time }, fmtTime(e.time)),
            h("td", { class: "mono log-msg" }, e.msg),
          ),
        ),
        { caption: "Log", testid: "log", empty: `No log entries at this level (${log.length} in all).` },
      ),
    );
  };
  select.addEventListener("change", draw);
  draw();
  return h(
    "section",
    { "aria-labelledby": "log-h" },
    h(
      "div",
      { class: "section-head" },
      h("h2", { id: "log-h" }, "Log"),
      h("label", { class: "inline-control" }, "Show ", select),
    ),
    list,
  );
}

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const { name, id } = ctx.params;
  /** @type {any} */
  let run = await api.run(name, id, ctx.signal);
  const root = h("div", { class: "run" });
  /** @type {{ destroy(): void; update(t: any): void }[]} */
  let charts = [];
  /** @type {Map<string, { update(t: any): void }>} */
  let chartByResource = new Map();

  const destroyCharts = () => {
    for (const c of charts) c.destroy();
    charts = [];
    chartByResource = new Map();
  };
  ctx.onCleanup(destroyCharts);

  const draw = () => {
    destroyCharts();
    const { done, total } = pageProgress(run.resources ?? []);
    const running = run.status === "running";
    const header = pipelineHeader(
      name,
      "runs",
      { destination: { name: run.destination, location: run.location ?? "" }, dataset: run.dataset_name },
      `Run ${run.id}`,
    );
    const resourceCharts = (run.resources ?? []).map((/** @type {any} */ r) => {
      const chart = timelineChart(r.timeline, {
        title: `${r.name}: records and pages per bucket, requests in flight`,
        testid: `timeline-${r.name}`,
      });
      charts.push(chart);
      chartByResource.set(r.name, chart);
      return h(
        "div",
        { class: "timeline", "data-resource": r.name },
        h("h3", null, h("a", { href: links.resource(name, run.id, r.name) }, r.name)),
        chart.element,
      );
    });
    replace(
      root,
      header,
      h(
        "section",
        { class: "run-summary", "aria-labelledby": "summary-h" },
        h("h2", { id: "summary-h", class: "visually-hidden" }, "Summary"),
        facts([
          ["Status", statusBadge(run.status, "run-status")],
          [
            "Started",
            [fmtTime(run.started_at), " ", h("span", { class: "muted" }, "(", timeAgo(run.started_at), ")")],
          ],
          ["Finished", run.finished_at ? fmtTime(run.finished_at) : h("span", { class: "muted" }, "–")],
          ["Duration", h("span", { "data-testid": "run-duration" }, fmtDuration(run.duration_ms))],
          ["Rows loaded", h("span", { "data-testid": "run-rows" }, fmtInt(run.rows))],
          [
            "Records",
            h(
              "span",
              { "data-testid": "run-records", "aria-live": "polite", "data-value": run.records },
              fmtInt(run.records),
            ),
          ],
          ["Requests", h("span", { "data-testid": "run-requests" }, fmtInt(run.requests))],
          ["Retries", h("span", { "data-testid": "run-retries" }, fmtInt(run.retries))],
        ]),
        running
          ? h(
              "div",
              { class: "live-progress", "data-testid": "run-progress" },
              h(
                "span",
                { "data-testid": "run-stage", class: "muted" },
                run.stage ? `stage: ${run.stage}` : "running",
              ),
              progress(done, total, "progress"),
              h(
                "span",
                { "data-testid": "progress-text", "aria-live": "polite" },
                total ? `${fmtInt(done)} / ${fmtInt(total)} pages` : `${fmtInt(done)} pages`,
              ),
              h("span", { "data-testid": "run-rate", class: "muted" }),
            )
          : null,
        run.error
          ? errorBox(run.error, {
              title: run.status === "interrupted" ? "The run was interrupted" : "The run failed",
              testid: "run-error",
            })
          : null,
        facts([
          ["Config", h("code", null, run.config)],
          [
            "Load ids",
            run.load_ids?.length
              ? run.load_ids.map((/** @type {string} */ l) => h("code", { class: "chip" }, l))
              : "–",
          ],
          [
            "Schema versions",
            run.schema_versions?.length
              ? run.schema_versions.map((/** @type {number} */ v) =>
                  h("a", { href: links.schema(name, v), class: "chip" }, `v${v}`),
                )
              : "–",
          ],
        ]),
      ),
      h(
        "div",
        { class: "grid-2" },
        h(
          "section",
          { "aria-labelledby": "stages-h" },
          h("h2", { id: "stages-h" }, "Stages"),
          stagesTable(run.stages ?? [], run.duration_ms),
        ),
        h(
          "section",
          { "aria-labelledby": "tables-h" },
          h("h2", { id: "tables-h" }, "Rows per table"),
          tablesTable(name, run.tables),
        ),
      ),
      h(
        "section",
        { "aria-labelledby": "resources-h" },
        h("h2", { id: "resources-h" }, "Resources"),
        dataTable(
          RESOURCE_COLUMNS,
          (run.resources ?? []).map((/** @type {any} */ r) => resourceRow(name, run, r)),
          { caption: "Resources", testid: "resources", empty: "No resource ran." },
        ),
      ),
      resourceCharts.length
        ? h(
            "section",
            { "aria-labelledby": "timelines-h" },
            h("h2", { id: "timelines-h" }, "Timelines"),
            h("div", { class: "timelines" }, resourceCharts),
          )
        : null,
      logSection(run.log ?? []),
    );
  };

  /**
   * A RunLive: counters and progress in place, without redrawing the page.
   * @param {any} live
   */
  const applyLive = (live) => {
    const set = (
      /** @type {string} */ testid,
      /** @type {string} */ value,
      /** @type {ParentNode} */ scope = root,
    ) => {
      const el = scope.querySelector(`[data-testid="${testid}"]`);
      if (el && el.textContent !== value) el.textContent = value;
      return el;
    };
    const recordsEl = set("run-records", fmtInt(live.records));
    if (recordsEl instanceof HTMLElement) recordsEl.dataset.value = String(live.records);
    set("run-requests", fmtInt(live.requests));
    set("run-retries", fmtInt(live.retries));
    set("run-duration", fmtDuration(live.duration_ms));
    set("run-stage", live.stage ? `stage: ${live.stage}` : "running");
    for (const r of live.resources ?? []) {
      const row = root.querySelector(`tr[data-testid="resource-row"][data-resource="${CSS.escape(r.name)}"]`);
      if (!row) continue;
      const pagesCell = row.querySelector('[data-testid="pages"]');
      if (pagesCell instanceof HTMLElement) {
        pagesCell.dataset.value = String(r.pages);
        replace(
          pagesCell,
          fmtInt(r.pages),
          typeof r.expected_pages === "number"
            ? h("span", { class: "muted" }, ` / ${fmtInt(r.expected_pages)}`)
            : null,
        );
      }
      for (const [testid, value] of [
        ["records", r.records],
        ["requests", r.requests],
        ["retries", r.retries],
        ["throttled", r.throttled],
      ]) {
        const cell = set(String(testid), fmtInt(value), row);
        if (cell instanceof HTMLElement) cell.dataset.value = String(value);
      }
      const statusCell = row.querySelector('[data-testid="resource-status-cell"]');
      if (statusCell && statusCell.firstElementChild?.getAttribute("data-status") !== r.status) {
        replace(statusCell, statusBadge(r.status, "resource-status"));
      }
    }
    const { done, total } = pageProgress(live.resources ?? []);
    const bar = root.querySelector('[data-testid="progress"]');
    if (bar instanceof HTMLProgressElement) {
      if (total) {
        bar.max = total;
        bar.value = Math.min(done, total);
      }
      bar.setAttribute("aria-label", total ? `${done} of ${total} pages` : `${done} pages`);
    }
    set("progress-text", total ? `${fmtInt(done)} / ${fmtInt(total)} pages` : `${fmtInt(done)} pages`);
    const rates = (live.resources ?? []).filter((/** @type {any} */ r) => typeof r.rate === "number");
    if (rates.length) {
      const rate = rates.reduce((/** @type {number} */ n, /** @type {any} */ r) => n + r.rate, 0);
      set("run-rate", `${fmtInt(rate)} records/s`);
    }
  };

  draw();

  if (run.status === "running") {
    let lastDetail = 0;
    let fetching = false;
    const refreshDetail = async (/** @type {boolean} */ full) => {
      if (fetching) return;
      fetching = true;
      try {
        const next = await api.run(name, id, ctx.signal);
        run = next;
        const known = (run.resources ?? []).every((/** @type {any} */ r) => chartByResource.has(r.name));
        if (full || run.status !== "running" || !known) draw();
        else {
          applyLive(run);
          for (const r of run.resources ?? []) chartByResource.get(r.name)?.update(r.timeline);
        }
      } catch {
        // the next event tries again
      } finally {
        fetching = false;
        lastDetail = Date.now();
      }
    };
    ctx.onCleanup(
      subscribe("run", (live) => {
        if (live.pipeline !== name || live.id !== id) return;
        if (live.status !== "running") {
          refreshDetail(true);
          return;
        }
        applyLive(live);
        // A resource the page does not show yet (it started after the page loaded): draw the page again.
        const missing = (live.resources ?? []).some((/** @type {any} */ r) => !chartByResource.has(r.name));
        if (missing || Date.now() - lastDetail > 3000) refreshDetail(missing);
      }),
    );
    // Without events (a proxy that buffers them, a dropped connection), poll instead.
    const poll = setInterval(() => {
      if (run.status !== "running") clearInterval(poll);
      else if (Date.now() - lastDetail > 4000) refreshDetail(false);
    }, 2000);
    ctx.onCleanup(() => clearInterval(poll));
  }

  return {
    page: "run",
    title: `${name}: run ${id}`,
    crumbs: [
      { label: name, href: links.pipeline(name) },
      { label: "Runs", href: links.runs(name) },
      { label: id },
    ],
    content: root,
  };
}
