/**
 * `/p/:name/data/:table?offset=N&parent_id=X`: a paged row browser. NULL is a marker of its own, empty
 * text is shown as such, JSON is pretty and collapsible, and each row links to its child tables' rows.
 */

import { api } from "../api.js";
import { dataTable, pipelineHeader, valueView } from "../components.js";
import { h } from "../dom.js";
import { fmtInt } from "../format.js";
import { links } from "../links.js";
import { readPathNote } from "../read-path.js";

const PAGE = 50;

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const { name, table } = ctx.params;
  const offset = Math.max(0, Number(ctx.query.get("offset") ?? 0) || 0);
  const limit = Math.max(1, Math.min(1000, Number(ctx.query.get("limit") ?? PAGE) || PAGE));
  const parentId = ctx.query.get("parent_id") ?? undefined;
  const [p, data] = /** @type {[any, any]} */ (
    await Promise.all([
      api.pipeline(name, ctx.signal),
      api.rows(
        name,
        table,
        { offset, limit: limit === PAGE ? undefined : limit, parent_id: parentId },
        ctx.signal,
      ),
    ])
  );
  const rows = data.rows ?? [];
  const first = rows.length ? data.offset + 1 : 0;
  const last = data.offset + rows.length;
  const pageQuery = (/** @type {number} */ o) => ({
    offset: o > 0 ? o : undefined,
    parent_id: parentId,
    ...(limit === PAGE ? {} : { limit }),
  });
  const prev =
    data.offset > 0 ? links.table(name, table, pageQuery(Math.max(0, data.offset - data.limit))) : null;
  const next = last < data.total ? links.table(name, table, pageQuery(data.offset + data.limit)) : null;
  const pager = () =>
    h(
      "nav",
      { class: "pager", "aria-label": "Pages of rows" },
      prev
        ? h("a", { href: prev, rel: "prev", "data-testid": "prev" }, "← Prev")
        : h("span", { class: "muted" }, "← Prev"),
      h(
        "span",
        { "data-testid": "row-range" },
        `rows ${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(data.total)}`,
      ),
      next
        ? h("a", { href: next, rel: "next", "data-testid": "next" }, "Next →")
        : h("span", { class: "muted" }, "Next →"),
    );

  const children = data.children ?? [];
  // The data first, sluice's own columns (`_sluice_…`) after it.
  const isSystem = (/** @type {string} */ n) => n.startsWith("_sluice_");
  const columns = [
    ...(data.columns ?? []).filter((/** @type {any} */ c) => !isSystem(c.name)),
    ...(data.columns ?? []).filter((/** @type {any} */ c) => isSystem(c.name)),
  ];
  const headers = [
    { label: "#", num: true },
    ...(children.length ? [{ label: "Child rows" }] : []),
    ...columns.map((/** @type {any} */ c) => ({ label: c.name, title: c.data_type })),
  ];
  const bodyRows = rows.map((/** @type {Record<string, unknown>} */ row, /** @type {number} */ i) => {
    const key = row[data.row_key];
    return h(
      "tr",
      { "data-testid": "data-row", "data-row-key": key === null || key === undefined ? null : String(key) },
      h("td", { class: "num muted" }, fmtInt(data.offset + i + 1)),
      children.length
        ? h(
            "td",
            { class: "child-links" },
            key === null || key === undefined
              ? h("span", { class: "muted" }, "–")
              : children.map((/** @type {string} */ c) =>
                  h(
                    "a",
                    {
                      href: links.table(name, c, { parent_id: String(key) }),
                      class: "chip",
                      "data-testid": "child-link",
                      "data-child": c,
                    },
                    c.startsWith(`${table}__`) ? c.slice(table.length + 2) : c,
                  ),
                ),
          )
        : null,
      columns.map((/** @type {any} */ c) =>
        h(
          "td",
          { class: `cell type-${String(c.data_type).replace(/[^a-z0-9]/gi, "")}`, "data-column": c.name },
          valueView(row[c.name], c.data_type),
        ),
      ),
    );
  });

  return {
    page: "table",
    title: `${name}: ${table}`,
    crumbs: [
      { label: name, href: links.pipeline(name) },
      { label: "Data", href: links.data(name) },
      { label: table },
    ],
    content: [
      pipelineHeader(name, "data", p, table),
      h(
        "div",
        { class: "toolbar" },
        parentId !== undefined
          ? h(
              "p",
              { class: "filter-note", "data-testid": "parent-filter" },
              "Rows of parent row ",
              h("code", null, `${data.parent_key} = ${parentId}`),
              " · ",
              h("a", { href: links.table(name, table) }, "all rows"),
            )
          : null,
        readPathNote(data.read_path),
      ),
      pager(),
      dataTable(headers, bodyRows, {
        caption: `Rows of ${table}`,
        testid: "rows",
        className: "rows",
        empty: "No rows.",
      }),
      rows.length > 10 ? pager() : null,
    ],
  };
}
