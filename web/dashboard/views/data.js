/** `/p/:name/data`: the dataset's tables with row counts, child tables under their parents. */

import { api } from "../api.js";
import { dataTable, numCell, pipelineHeader } from "../components.js";
import { h } from "../dom.js";
import { links } from "../links.js";
import { readPathNote } from "../read-path.js";
import { tableTree } from "../schema-view.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  const [p, tables] = /** @type {[any, any]} */ (
    await Promise.all([api.pipeline(name, ctx.signal), api.tables(name, ctx.signal)])
  );
  const tree = tableTree(tables.tables ?? []);
  return {
    page: "data",
    title: `${name}: data`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "Data" }],
    content: [
      pipelineHeader(name, "data", p),
      readPathNote(tables.read_path),
      dataTable(
        [{ label: "Table" }, { label: "Rows", num: true }, { label: "Columns", num: true }],
        tree.map(({ table: t, depth }) =>
          h(
            "tr",
            { "data-testid": "data-table-row", "data-table": t.name, "data-depth": depth },
            h(
              "th",
              { scope: "row", class: "tree-cell", style: { paddingLeft: `${0.5 + depth * 1.25}rem` } },
              depth > 0 ? h("span", { class: "tree-mark", "aria-hidden": "true" }, "└ ") : null,
              h("a", { href: links.table(name, t.name), class: "mono" }, t.name),
            ),
            numCell(t.rows, "rows"),
            numCell(t.columns),
          ),
        ),
        { caption: "Tables", testid: "data-tables", empty: "No tables yet." },
      ),
    ],
  };
}
