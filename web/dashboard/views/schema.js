/** `/p/:name/schema[?version=V]`: a schema version (the newest by default) as a tree of tables. */

import { api } from "../api.js";
import { pipelineHeader, timeAgo } from "../components.js";
import { h } from "../dom.js";
import { links } from "../links.js";
import { navigate } from "../router.js";
import { columnsTable, tableTree } from "../schema-view.js";

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
    page: "schema",
    title: `${name}: schema`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "Schema" }],
  };
  if (versions.length === 0) {
    return {
      ...base,
      content: [
        pipelineHeader(name, "schema", p),
        h("p", { class: "muted" }, "No schema yet: the pipeline has not loaded anything."),
      ],
    };
  }
  const wanted = ctx.query.get("version");
  const version = wanted ? Number(wanted) : versions[0].version;
  /** @type {any} */
  const schema = await api.schema(name, version, ctx.signal);
  const index = versions.findIndex((/** @type {any} */ v) => v.version === schema.version);
  const previous = index >= 0 ? versions[index + 1] : undefined;

  const select = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: "schema-version", "data-testid": "schema-version" },
      versions.map((/** @type {any} */ v) =>
        h(
          "option",
          { value: v.version, selected: v.version === schema.version },
          `v${v.version}${v === versions[0] ? " (newest)" : ""} · ${v.tables} tables · ${v.committed_at}`,
        ),
      ),
    )
  );
  select.addEventListener("change", () => {
    const v = Number(select.value);
    navigate(links.schema(name, v === versions[0].version ? undefined : v));
  });

  const tree = tableTree(schema.tables_list ?? []);
  return {
    ...base,
    content: [
      pipelineHeader(name, "schema", p),
      h(
        "div",
        { class: "toolbar" },
        h("label", { for: "schema-version" }, "Version "),
        select,
        previous
          ? h(
              "a",
              { href: links.schemaDiff(name, previous.version, schema.version), "data-testid": "diff-link" },
              `Changes since v${previous.version}`,
            )
          : h("span", { class: "muted" }, "the first version"),
      ),
      h(
        "p",
        { class: "muted small", "data-testid": "schema-meta" },
        `v${schema.version} · hash `,
        h("code", null, schema.version_hash),
        " · committed ",
        timeAgo(schema.committed_at),
        schema.run_id
          ? [" by run ", h("a", { href: links.run(name, schema.run_id), class: "mono" }, schema.run_id)]
          : null,
        !schema.run_id && schema.load_id ? [" by load ", h("code", null, schema.load_id)] : null,
      ),
      h(
        "div",
        { class: "schema-tree", "data-testid": "schema-tree" },
        tree.map(({ table: t, depth }) =>
          h(
            "section",
            {
              class: `schema-table depth-${Math.min(depth, 4)}`,
              style: { marginLeft: `${depth * 1.5}rem` },
              "data-testid": "schema-table",
              "data-table": t.name,
              "aria-labelledby": `t-${t.name}`,
            },
            h(
              "h2",
              { id: `t-${t.name}`, class: "table-name" },
              depth > 0 ? h("span", { class: "tree-mark", "aria-hidden": "true" }, "└ ") : null,
              h("a", { href: links.table(name, t.name), class: "mono" }, t.name),
            ),
            h(
              "p",
              { class: "muted small" },
              t.parent ? ["child of ", h("code", null, t.parent), " · "] : null,
              "resource ",
              h("code", null, t.resource),
              " · ",
              t.write_disposition,
              t.merge_strategy ? ` (${t.merge_strategy})` : "",
              t.children?.length
                ? ` · ${t.children.length} child table${t.children.length === 1 ? "" : "s"}`
                : "",
            ),
            columnsTable(t.columns ?? []),
          ),
        ),
      ),
    ],
  };
}
