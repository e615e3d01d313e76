/** `/p/:name/sql?q=…`: a read-only SQL box; the query lives in the URL so the page can be shared. */

import { ApiError, api } from "../api.js";
import { dataTable, errorBox, pipelineHeader, valueView } from "../components.js";
import { h, replace } from "../dom.js";
import { fmtInt } from "../format.js";
import { links } from "../links.js";
import { readPathNote } from "../read-path.js";
import { setQuery } from "../router.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  const [p, tables] = /** @type {[any, any]} */ (
    await Promise.all([
      api.pipeline(name, ctx.signal),
      api.tables(name, ctx.signal).catch(() => ({ tables: [] })),
    ])
  );
  const initial = ctx.query.get("q") ?? "";
  const firstTable = tables.tables?.[0]?.name;
  const textarea = /** @type {HTMLTextAreaElement} */ (
    h("textarea", {
      id: "sql",
      name: "q",
      class: "sql-input",
      rows: 6,
      spellcheck: "false",
      autocapitalize: "off",
      "data-testid": "sql-input",
      placeholder: firstTable ? `select * from ${firstTable} limit 50` : "select 1",
    })
  );
  textarea.value = initial;
  const result = h("div", { class: "sql-result", "aria-live": "polite", "data-testid": "sql-output" });
  const button = /** @type {HTMLButtonElement} */ (
    h("button", { type: "submit", "data-testid": "sql-run" }, "Run")
  );
  let seq = 0;

  const run = async () => {
    const sql = textarea.value.trim();
    if (!sql) return;
    const query = new URLSearchParams(location.search);
    query.set("q", textarea.value);
    setQuery(query);
    const mine = ++seq;
    button.disabled = true;
    result.setAttribute("aria-busy", "true");
    replace(result, h("p", { class: "muted" }, "Running…"));
    try {
      /** @type {any} */
      const res = await api.sql(name, sql);
      if (mine !== seq) return;
      const columns = res.columns ?? [];
      replace(
        result,
        h(
          "p",
          { class: "muted small", "data-testid": "sql-meta" },
          `${fmtInt(res.rows.length)} row${res.rows.length === 1 ? "" : "s"}`,
          res.truncated ? h("strong", { class: "warn" }, " (truncated: more rows matched)") : null,
          ` · ${fmtInt(res.ms)} ms · `,
          readPathNote(res.read_path),
        ),
        dataTable(
          columns.map((/** @type {any} */ c) => ({ label: c.name, title: c.data_type })),
          res.rows.map((/** @type {Record<string, unknown>} */ row) =>
            h(
              "tr",
              { "data-testid": "sql-row" },
              columns.map((/** @type {any} */ c) =>
                h("td", { class: "cell", "data-column": c.name }, valueView(row[c.name], c.data_type)),
              ),
            ),
          ),
          {
            caption: "Query result",
            testid: "sql-result",
            className: "rows",
            empty: "The query returned no rows.",
          },
        ),
      );
    } catch (err) {
      if (mine !== seq) return;
      const e = err instanceof ApiError ? err : { message: String(err), hint: undefined };
      replace(
        result,
        errorBox({ message: e.message, hint: e.hint }, { title: "The query failed", testid: "sql-error" }),
      );
    } finally {
      if (mine === seq) {
        button.disabled = false;
        result.removeAttribute("aria-busy");
      }
    }
  };

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  const form = h(
    "form",
    { class: "sql-form", method: "get", action: links.sql(name) },
    h("label", { for: "sql" }, "Read-only SQL against the pipeline's dataset"),
    textarea,
    h(
      "div",
      { class: "toolbar" },
      button,
      h(
        "span",
        { class: "muted small" },
        h("kbd", null, "Ctrl"),
        "/",
        h("kbd", null, "⌘"),
        " + ",
        h("kbd", null, "Enter"),
        " runs",
      ),
      tables.tables?.length
        ? h(
            "span",
            { class: "small table-picks" },
            "Tables: ",
            tables.tables.map((/** @type {any} */ t) =>
              h(
                "button",
                {
                  type: "button",
                  class: "chip link-like",
                  onclick: () => {
                    textarea.value = `select * from ${t.name} limit 50`;
                    textarea.focus();
                  },
                },
                t.name,
              ),
            ),
          )
        : null,
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  if (initial.trim()) queueMicrotask(run);

  return {
    page: "sql",
    title: `${name}: SQL`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "SQL" }],
    content: [pipelineHeader(name, "sql", p), form, result],
  };
}
