/** Pieces shared by the schema and schema-diff pages: a column's type, flags and a table's columns. */

import { dataTable } from "./components.js";
import { h } from "./dom.js";

/** @param {any} c a ColumnView */
export function typeLabel(c) {
  if (c.precision !== undefined && c.scale !== undefined) return `${c.data_type}(${c.precision}, ${c.scale})`;
  if (c.precision !== undefined) return `${c.data_type}(${c.precision})`;
  return c.data_type;
}

/** @param {any} c a ColumnView */
export function columnFlags(c) {
  return [
    c.primary_key ? h("span", { class: "flag flag-pk", title: "primary key" }, "PK") : null,
    c.merge_key ? h("span", { class: "flag flag-mk", title: "merge key" }, "merge key") : null,
    c.variant
      ? h(
          "span",
          { class: "flag flag-variant", title: "a variant column: values of another type" },
          "variant",
        )
      : null,
  ];
}

/** @param {any[]} columns ColumnView[] */
export function columnsTable(columns) {
  return dataTable(
    [{ label: "Column" }, { label: "Type" }, { label: "Nullable" }, { label: "Keys" }],
    columns.map((c) =>
      h(
        "tr",
        { "data-testid": "column-row", "data-column": c.name },
        h("th", { scope: "row", class: "mono" }, c.name),
        h("td", { class: "mono" }, typeLabel(c)),
        h(
          "td",
          null,
          c.nullable
            ? h("span", { class: "muted" }, "nullable")
            : h("span", { class: "not-null" }, "not null"),
        ),
        h("td", null, columnFlags(c)),
      ),
    ),
    { caption: "Columns", className: "columns", empty: "No columns." },
  );
}

/**
 * Tables ordered as a tree: each root, then its children under it (depth-first).
 * @template {{ name: string; parent?: string }} T
 * @param {T[]} tables
 * @returns {{ table: T; depth: number }[]}
 */
export function tableTree(tables) {
  const byName = new Map(tables.map((t) => [t.name, t]));
  /** @type {Map<string, T[]>} */
  const children = new Map();
  /** @type {T[]} */
  const roots = [];
  for (const t of tables) {
    if (t.parent && byName.has(t.parent)) {
      const list = children.get(t.parent) ?? [];
      list.push(t);
      children.set(t.parent, list);
    } else roots.push(t);
  }
  /** @type {{ table: T; depth: number }[]} */
  const out = [];
  const walk = (/** @type {T} */ t, /** @type {number} */ depth) => {
    out.push({ table: t, depth });
    for (const c of (children.get(t.name) ?? []).sort((a, b) => a.name.localeCompare(b.name)))
      walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => a.name.localeCompare(b.name))) walk(r, 0);
  return out;
}
