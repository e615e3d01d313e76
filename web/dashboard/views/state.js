/** `/p/:name/state`: the committed pipeline state (incremental cursors per resource and parent) as a tree. */

import { api } from "../api.js";
import { pipelineHeader, valueView } from "../components.js";
import { h } from "../dom.js";
import { links } from "../links.js";

/**
 * A JSON value as nested key/value tables, foldable; open to six levels.
 * @param {unknown} value
 * @param {number} depth
 * @returns {Node}
 */
function tree(value, depth = 0) {
  if (value === null || typeof value !== "object") return valueView(value);
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  if (entries.length === 0) return h("code", { class: "muted" }, Array.isArray(value) ? "[]" : "{}");
  const table = h(
    "table",
    { class: "kv" },
    h(
      "tbody",
      null,
      entries.map(([k, v]) =>
        h(
          "tr",
          { "data-key": k },
          h("th", { scope: "row", class: "mono" }, k),
          h("td", null, tree(v, depth + 1)),
        ),
      ),
    ),
  );
  if (depth === 0) return table;
  const n = entries.length;
  return h(
    "details",
    { class: "kv-fold", open: depth < 6 },
    h(
      "summary",
      { class: "muted small" },
      Array.isArray(value) ? `[${n} item${n === 1 ? "" : "s"}]` : `{${n} key${n === 1 ? "" : "s"}}`,
    ),
    table,
  );
}

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  /** @type {any} */
  const p = await api.pipeline(name, ctx.signal);
  const empty =
    p.state === null ||
    p.state === undefined ||
    (typeof p.state === "object" && Object.keys(p.state).length === 0);
  return {
    page: "state",
    title: `${name}: state`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "State" }],
    content: [
      pipelineHeader(name, "state", p),
      h(
        "p",
        { class: "muted small" },
        "The committed pipeline state: incremental cursors per resource (and per parent), as the next run starts from.",
      ),
      empty
        ? h("p", { class: "muted", "data-testid": "state-empty" }, "No state committed yet.")
        : h("div", { class: "table-scroll state-tree", "data-testid": "state" }, tree(p.state)),
      empty
        ? null
        : h(
            "details",
            { class: "raw-json" },
            h("summary", null, "Raw JSON"),
            h("pre", { "data-testid": "state-json" }, JSON.stringify(p.state, null, 2)),
          ),
    ],
  };
}
