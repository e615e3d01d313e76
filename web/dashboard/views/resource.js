/** `/p/:name/runs/:id/resources/:resource`: one resource of a run: a bigger timeline and its requests. */

import { ApiError, api } from "../api.js";
import { timelineChart } from "../charts.js";
import { dataTable, facts, numCell, pipelineHeader, statusBadge } from "../components.js";
import { h } from "../dom.js";
import { fmtBytes, fmtDec, fmtDuration, fmtInt } from "../format.js";
import { links } from "../links.js";
import { navigate } from "../router.js";

const STATUS_FILTERS = [
  ["", "all requests"],
  ["4xx", "4xx"],
  ["5xx", "5xx"],
  ["429", "429 (throttled)"],
  ["404", "404"],
  ["0", "network errors"],
];

/** @param {number} status */
function statusClass(status) {
  if (status === 0) return "http-err";
  if (status >= 500) return "http-err";
  if (status === 429) return "http-warn";
  if (status >= 400) return "http-err";
  if (status >= 300) return "http-redirect";
  return "http-ok";
}

/** @param {any} r a RequestRow */
function requestRow(r) {
  return h(
    "tr",
    { "data-testid": "request-row", "data-status": r.status },
    numCell(r.n),
    h("td", { class: "num" }, fmtDec(r.at_ms / 1000)),
    h("td", { class: "mono" }, r.method),
    h("td", { class: "mono url", title: r.url }, r.url),
    h(
      "td",
      { class: "num" },
      h("span", { class: `http ${statusClass(r.status)}` }, r.status === 0 ? "error" : r.status),
    ),
    numCell(r.attempt),
    h("td", { class: "num" }, fmtDuration(r.duration_ms)),
    h("td", { class: "num" }, r.wait_ms ? fmtDuration(r.wait_ms) : h("span", { class: "muted" }, "–")),
    h("td", { class: "num" }, fmtBytes(r.bytes)),
    h(
      "td",
      { class: "small" },
      r.page
        ? [`#${r.page.index} · ${fmtInt(r.page.records)} records`, h("div", { class: "muted" }, r.page.next)]
        : h("span", { class: "muted" }, "–"),
    ),
    h(
      "td",
      { class: "small" },
      r.retry
        ? `retry (${r.retry.cause}) in ${fmtDuration(r.retry.delay_ms)}`
        : h("span", { class: "muted" }, "–"),
    ),
  );
}

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const { name, id, resource } = ctx.params;
  const status = ctx.query.get("status") ?? "";
  const [run, reqs] = /** @type {[any, any]} */ (
    await Promise.all([
      api.run(name, id, ctx.signal),
      api.requests(name, id, { resource, status: status || undefined }, ctx.signal),
    ])
  );
  const r = (run.resources ?? []).find((/** @type {any} */ x) => x.name === resource);
  if (!r) {
    throw new ApiError(
      404,
      `run ${id} of pipeline ${name} has no resource "${resource}"`,
      "the run's resources are listed on its page",
    );
  }
  const chart = timelineChart(r.timeline, {
    height: 320,
    title: `${resource}: records and pages per bucket, requests in flight`,
    testid: `timeline-${resource}`,
  });
  ctx.onCleanup(() => chart.destroy());

  const select = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { name: "status", id: "status-filter", "data-testid": "status-filter" },
      STATUS_FILTERS.map(([value, label]) => h("option", { value, selected: value === status }, label)),
      STATUS_FILTERS.some(([v]) => v === status)
        ? null
        : h("option", { value: status, selected: true }, status),
    )
  );
  const form = h(
    "form",
    { method: "get", class: "inline-form", action: links.resource(name, id, resource) },
    h("label", { for: "status-filter" }, "Status "),
    select,
    h("noscript", null, h("button", { type: "submit" }, "Filter")),
  );
  select.addEventListener("change", () => {
    navigate(links.resource(name, id, resource, select.value || undefined), { replace: true });
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(links.resource(name, id, resource, select.value || undefined), { replace: true });
  });

  return {
    page: "resource",
    title: `${name}: ${resource} in run ${id}`,
    crumbs: [
      { label: name, href: links.pipeline(name) },
      { label: "Runs", href: links.runs(name) },
      { label: id, href: links.run(name, id) },
      { label: resource },
    ],
    content: [
      pipelineHeader(
        name,
        "runs",
        { destination: { name: run.destination, location: run.location ?? "" }, dataset: run.dataset_name },
        `${resource}`,
      ),
      h(
        "p",
        null,
        "Resource of run ",
        h("a", { href: links.run(name, id), class: "mono" }, id),
        " ",
        statusBadge(run.status),
      ),
      facts([
        ["Status", statusBadge(r.status, "resource-status")],
        [
          "Pages",
          [fmtInt(r.pages), typeof r.expected_pages === "number" ? ` / ${fmtInt(r.expected_pages)}` : ""],
          "pages",
        ],
        ["Records", fmtInt(r.records), "records"],
        ["Requests", fmtInt(r.requests), "requests"],
        ["Retries", fmtInt(r.retries), "retries"],
        ["429s", fmtInt(r.throttled), "throttled"],
        ["Failed requests", fmtInt(r.failed_requests), "failed-requests"],
        ["Waited", fmtDuration(r.wait_ms), "wait"],
        ["Avg in flight", fmtDec(r.avg_in_flight), "avg-in-flight"],
        ["Elapsed", fmtDuration(r.elapsed_ms), "elapsed"],
      ]),
      h(
        "section",
        { "aria-labelledby": "timeline-h" },
        h("h2", { id: "timeline-h" }, "Timeline"),
        chart.element,
      ),
      h(
        "section",
        { "aria-labelledby": "requests-h" },
        h("div", { class: "section-head" }, h("h2", { id: "requests-h" }, "Requests"), form),
        h(
          "p",
          { class: "muted small", "data-testid": "requests-count" },
          `${fmtInt(reqs.requests.length)} shown`,
          reqs.dropped ? ` · ${fmtInt(reqs.dropped)} more not kept by the bounded request log` : "",
        ),
        dataTable(
          [
            { label: "#", num: true },
            { label: "At (s)", num: true, title: "seconds since the run started" },
            { label: "Method" },
            { label: "URL" },
            { label: "Status", num: true },
            { label: "Attempt", num: true },
            { label: "Duration", num: true },
            { label: "Wait", num: true },
            { label: "Bytes", num: true },
            { label: "Page" },
            { label: "Retry" },
          ],
          reqs.requests.map(requestRow),
          {
            caption: "Requests",
            testid: "requests",
            empty: status ? `No request with status ${status}.` : "No request kept.",
          },
        ),
      ),
    ],
  };
}
