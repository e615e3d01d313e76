/** `/p/:name/schema/diff?from=V&to=W`: what changed between two schema versions, and which run did it. */

import { api } from "../api.js";
import { dataTable, pipelineHeader, timeAgo } from "../components.js";
import { h } from "../dom.js";
import { links } from "../links.js";
import { navigate } from "../router.js";
import { columnFlags, columnsTable, typeLabel } from "../schema-view.js";

const KIND_LABELS = {
  column_added: "column added",
  column_removed: "column removed",
  variant_added: "variant added",
  type_changed: "type changed",
  nullability_changed: "nullability changed",
  hint_changed: "hint changed",
};

/** @param {unknown} v */
function show(v) {
  if (v === undefined) return "unset";
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** @param {any} c a ColumnChange */
function changeDetail(c) {
  switch (c.kind) {
    case "column_added":
    case "column_removed":
      return [
        h("code", null, typeLabel(c.column)),
        c.column.nullable ? "" : " not null",
        " ",
        columnFlags(c.column),
      ];
    case "variant_added":
      return ["values of ", h("code", null, c.column.data_type), " for ", h("code", null, c.of)];
    case "type_changed":
      return [h("code", null, c.from), " → ", h("code", null, c.to)];
    case "nullability_changed":
      return [c.from ? "nullable" : "not null", " → ", c.to ? "nullable" : "not null"];
    case "hint_changed":
      return [
        h("code", null, c.hint),
        ": ",
        h("code", null, show(c.from)),
        " → ",
        h("code", null, show(c.to)),
      ];
    default:
      return JSON.stringify(c);
  }
}

/** @param {any} c a ColumnChange */
function columnName(c) {
  return typeof c.column === "string" ? c.column : c.column?.name;
}

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  const [p, list] = /** @type {[any, any]} */ (
    await Promise.all([api.pipeline(name, ctx.signal), api.schemas(name, ctx.signal)])
  );
  const versions = list.versions ?? [];
  const base = {
    page: "schema-diff",
    title: `${name}: schema changes`,
    crumbs: [
      { label: name, href: links.pipeline(name) },
      { label: "Schema", href: links.schema(name) },
      { label: "Changes" },
    ],
  };
  if (versions.length < 2) {
    return {
      ...base,
      content: [
        pipelineHeader(name, "schema", p, "Schema changes"),
        h(
          "p",
          { class: "muted", "data-testid": "diff-empty" },
          versions.length ? "There is only one schema version: nothing to compare." : "No schema yet.",
        ),
      ],
    };
  }
  const to = Number(ctx.query.get("to") ?? versions[0].version);
  const toIndex = versions.findIndex((/** @type {any} */ v) => v.version === to);
  const from = Number(
    ctx.query.get("from") ?? (versions[toIndex + 1] ?? versions[versions.length - 1]).version,
  );
  /** @type {any} */
  const diff = await api.schemaDiff(name, from, to, ctx.signal);

  /** @param {string} id @param {number} selected */
  const versionSelect = (id, selected) =>
    /** @type {HTMLSelectElement} */ (
      h(
        "select",
        { id, name: id, "data-testid": `diff-${id}` },
        versions.map((/** @type {any} */ v) =>
          h("option", { value: v.version, selected: v.version === selected }, `v${v.version}`),
        ),
      )
    );
  const fromSel = versionSelect("from", diff.from.version);
  const toSel = versionSelect("to", diff.to.version);
  const form = h(
    "form",
    { class: "toolbar", method: "get", action: links.schemaDiff(name) },
    h("label", { for: "from" }, "From "),
    fromSel,
    h("label", { for: "to" }, " to "),
    toSel,
    h("button", { type: "submit" }, "Compare"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(links.schemaDiff(name, Number(fromSel.value), Number(toSel.value)));
  });

  const changes = [...(diff.changes ?? [])].sort(
    (a, b) => a.table.localeCompare(b.table) || String(columnName(a)).localeCompare(String(columnName(b))),
  );
  const nothing = !diff.tables_added?.length && !diff.tables_removed?.length && !changes.length;

  return {
    ...base,
    content: [
      pipelineHeader(name, "schema", p, "Schema changes"),
      form,
      h(
        "section",
        { "aria-labelledby": "introduced-h" },
        h("h2", { id: "introduced-h" }, `v${diff.from.version} → v${diff.to.version}`),
        dataTable(
          [{ label: "Version" }, { label: "Committed" }, { label: "By run" }],
          (diff.introduced_by ?? []).map((/** @type {any} */ i) =>
            h(
              "tr",
              { "data-testid": "introduced-by", "data-version": i.version },
              h("th", { scope: "row" }, h("a", { href: links.schema(name, i.version) }, `v${i.version}`)),
              h("td", null, timeAgo(i.committed_at)),
              h(
                "td",
                null,
                i.run_id
                  ? h(
                      "a",
                      { href: links.run(name, i.run_id), class: "mono", "data-testid": "introduced-run" },
                      i.run_id,
                    )
                  : i.load_id
                    ? [
                        "load ",
                        h("code", null, i.load_id),
                        h("span", { class: "muted" }, " (run record not kept)"),
                      ]
                    : h("span", { class: "muted" }, "unknown"),
              ),
            ),
          ),
          { caption: "Versions in this range and the runs that committed them", testid: "introduced" },
        ),
      ),
      nothing ? h("p", { class: "muted", "data-testid": "diff-none" }, "No differences.") : null,
      diff.tables_added?.length
        ? h(
            "section",
            { "aria-labelledby": "added-h" },
            h("h2", { id: "added-h" }, "Tables added"),
            diff.tables_added.map((/** @type {any} */ t) =>
              h(
                "div",
                { class: "schema-table added", "data-testid": "table-added", "data-table": t.name },
                h(
                  "h3",
                  { class: "mono" },
                  h("span", { class: "diff-mark add", "aria-hidden": "true" }, "+ "),
                  t.name,
                ),
                t.parent ? h("p", { class: "muted small" }, "child of ", h("code", null, t.parent)) : null,
                columnsTable(t.columns ?? []),
              ),
            ),
          )
        : null,
      diff.tables_removed?.length
        ? h(
            "section",
            { "aria-labelledby": "removed-h" },
            h("h2", { id: "removed-h" }, "Tables removed"),
            h(
              "ul",
              { class: "plain" },
              diff.tables_removed.map((/** @type {string} */ t) =>
                h(
                  "li",
                  { "data-testid": "table-removed", "data-table": t },
                  h("span", { class: "diff-mark remove" }, "− "),
                  h("code", null, t),
                ),
              ),
            ),
          )
        : null,
      changes.length
        ? h(
            "section",
            { "aria-labelledby": "changes-h" },
            h("h2", { id: "changes-h" }, "Column changes"),
            dataTable(
              [{ label: "Change" }, { label: "Table" }, { label: "Column" }, { label: "Detail" }],
              changes.map((c) =>
                h(
                  "tr",
                  {
                    "data-testid": "change",
                    "data-kind": c.kind,
                    "data-table": c.table,
                    "data-column": columnName(c),
                  },
                  h(
                    "td",
                    null,
                    h(
                      "span",
                      { class: `change-kind kind-${c.kind}` },
                      KIND_LABELS[/** @type {keyof typeof KIND_LABELS} */ (c.kind)] ?? c.kind,
                    ),
                  ),
                  h("td", { class: "mono" }, c.table),
                  h("th", { scope: "row", class: "mono" }, columnName(c)),
                  h("td", null, changeDetail(c)),
                ),
              ),
              { caption: "Column changes", testid: "changes" },
            ),
          )
        : null,
    ],
  };
}
