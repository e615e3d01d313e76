/** Small pieces every view uses: status badges, error boxes, tables, times, cell values, pipeline tabs. */

import { h } from "./dom.js";
import { fmtInt, fmtRelative, fmtTime } from "./format.js";
import { links } from "./links.js";

/**
 * A colored run/resource/package status.
 * @param {string} status
 * @param {string} [testid]
 */
export function statusBadge(status, testid) {
  return h("span", { class: `badge status-${status}`, "data-testid": testid, "data-status": status }, status);
}

/**
 * A relative time with the absolute one in its title.
 * @param {string | undefined} iso
 * @param {string} [testid]
 */
export function timeAgo(iso, testid) {
  if (!iso) return h("span", { class: "muted" }, "–");
  return h(
    "time",
    { datetime: iso, title: `${fmtTime(iso)} (${iso})`, "data-testid": testid, "data-relative": "" },
    fmtRelative(iso),
  );
}

/** Keeps every relative time on the page current. */
export function refreshRelativeTimes() {
  for (const el of document.querySelectorAll("time[data-relative]")) {
    const iso = el.getAttribute("datetime");
    if (iso) el.textContent = fmtRelative(iso);
  }
}

/**
 * An error (and what to do next) shown clearly.
 * @param {{ message: string; hint?: string }} error
 * @param {{ title?: string; testid?: string }} [options]
 */
export function errorBox(error, options = {}) {
  return h(
    "div",
    { class: "error-box", role: "alert", "data-testid": options.testid ?? "error" },
    options.title ? h("p", { class: "error-title" }, options.title) : null,
    h("p", { class: "error-message", "data-testid": "error-message" }, error.message),
    error.hint
      ? h(
          "p",
          { class: "error-hint", "data-testid": "error-hint" },
          h("span", { class: "hint-label" }, "hint: "),
          error.hint,
        )
      : null,
  );
}

/**
 * @typedef {object} Column
 * @property {string} label
 * @property {boolean} [num] right-aligned numbers
 * @property {string} [title]
 */

/**
 * A table in a horizontally scrolling wrapper, with `th scope="col"` headers.
 * @param {Column[]} columns
 * @param {Node[]} rows `<tr>` elements
 * @param {{ caption?: string; testid?: string; className?: string; empty?: string }} [options]
 */
export function dataTable(columns, rows, options = {}) {
  const table = h(
    "table",
    { class: `data ${options.className ?? ""}`.trim(), "data-testid": options.testid },
    options.caption ? h("caption", { class: "visually-hidden" }, options.caption) : null,
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null, title: c.title }, c.label)),
      ),
    ),
    h(
      "tbody",
      null,
      rows.length > 0
        ? rows
        : h(
            "tr",
            null,
            h("td", { colspan: columns.length, class: "muted empty-row" }, options.empty ?? "None."),
          ),
    ),
  );
  return h("div", { class: "table-scroll" }, table);
}

/**
 * A `<td>` with a number, right-aligned.
 * @param {number | string | undefined} n
 * @param {string} [testid]
 */
export function numCell(n, testid) {
  return h("td", { class: "num", "data-testid": testid, "data-value": n ?? "" }, fmtInt(n));
}

/**
 * A key/value list.
 * @param {[string, import("./dom.js").Child, string?][]} pairs label, value, testid
 */
export function facts(pairs) {
  return h(
    "dl",
    { class: "facts" },
    pairs.map(([label, value, testid]) =>
      h("div", { class: "fact" }, h("dt", null, label), h("dd", { "data-testid": testid }, value)),
    ),
  );
}

/**
 * A database value: NULL as a marker that cannot be mistaken for text, empty text as an explicit
 * marker, objects and arrays as collapsible pretty JSON, everything else as text.
 * @param {unknown} value
 * @param {string} [dataType]
 * @returns {Node}
 */
export function valueView(value, dataType) {
  if (value === null || value === undefined) {
    return h("span", { class: "null", "data-testid": "null", title: "NULL (no value)" }, "NULL");
  }
  if (value === "") {
    return h(
      "span",
      { class: "empty-string", "data-testid": "empty-string", title: "empty text (not NULL)" },
      '""',
    );
  }
  if (typeof value === "object") return jsonBlock(value);
  if (typeof value === "string" && (dataType === "json" || /^[[{]/.test(value)) && value.length > 1) {
    try {
      const parsed = JSON.parse(value);
      if (parsed !== null && typeof parsed === "object") return jsonBlock(parsed);
    } catch {
      // not JSON: plain text
    }
  }
  if (typeof value === "boolean") return h("span", { class: "bool" }, String(value));
  if (typeof value === "number") return h("span", { class: "number" }, String(value));
  const textValue = String(value);
  if (/^\s|\s$/.test(textValue)) {
    return h("span", { class: "text spaced", title: JSON.stringify(textValue) }, textValue);
  }
  return h("span", { class: "text" }, textValue);
}

/**
 * @param {unknown} value
 */
function jsonBlock(value) {
  const pretty = JSON.stringify(value, null, 2);
  const oneLine = JSON.stringify(value);
  const summary = oneLine.length > 60 ? `${oneLine.slice(0, 57)}…` : oneLine;
  if (!pretty.includes("\n")) return h("code", { class: "json-inline", "data-testid": "json" }, pretty);
  return h(
    "details",
    { class: "json", "data-testid": "json" },
    h("summary", null, h("code", null, summary)),
    h("pre", null, pretty),
  );
}

/** @type {[string, string, (p: string) => string][]} */
const TABS = [
  ["overview", "Overview", links.pipeline],
  ["runs", "Runs", links.runs],
  ["schema", "Schema", links.schema],
  ["data", "Data", links.data],
  ["sql", "SQL", (p) => links.sql(p)],
  ["packages", "Packages", links.packages],
  ["state", "State", links.state],
];

/**
 * The pipeline's header: its name, destination and dataset, and the tabs to its pages.
 * @param {string} name
 * @param {string} active
 * @param {{ destination?: { name: string; location: string }; dataset?: string } | null} [summary]
 * @param {string} [heading] the page's own h1 (else the pipeline's name)
 */
export function pipelineHeader(name, active, summary, heading) {
  return h(
    "header",
    { class: "page-header" },
    h(
      "div",
      { class: "title-row" },
      h("h1", null, heading ?? name),
      summary?.destination
        ? h(
            "p",
            { class: "subtitle", "data-testid": "destination" },
            h("span", { class: "dest-name" }, summary.destination.name),
            " ",
            h("code", { class: "dest-location" }, summary.destination.location),
            summary.dataset
              ? [" · dataset ", h("code", { "data-testid": "dataset" }, summary.dataset)]
              : null,
          )
        : null,
    ),
    h(
      "nav",
      { class: "tabs", "aria-label": `Pipeline ${name}` },
      h(
        "ul",
        null,
        TABS.map(([key, label, href]) =>
          h(
            "li",
            null,
            h(
              "a",
              { href: href(name), "aria-current": key === active ? "page" : null, "data-tab": key },
              label,
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * A horizontal bar proportional to `value / max`.
 * @param {number} value
 * @param {number} max
 * @param {string} [label]
 */
export function bar(value, max, label) {
  const pct = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return h(
    "span",
    { class: "bar", role: "img", "aria-label": label ?? `${Math.round(pct)}%` },
    h("span", { class: "bar-fill", style: { width: `${pct.toFixed(1)}%` } }),
  );
}

/**
 * A progress bar for pages done of pages expected (indeterminate when the total is unknown).
 * @param {number} done
 * @param {number | undefined} total
 * @param {string} [testid]
 */
export function progress(done, total, testid) {
  const el = h("progress", {
    class: "progress",
    "data-testid": testid,
    max: total && total > 0 ? total : null,
    value: total && total > 0 ? Math.min(done, total) : null,
    "aria-label": total
      ? `${fmtInt(done)} of ${fmtInt(total)} pages`
      : `${fmtInt(done)} pages, total unknown`,
  });
  return el;
}

/**
 * A loading placeholder.
 * @param {string} [what]
 */
export function loading(what = "Loading…") {
  return h("p", { class: "muted loading" }, what);
}
