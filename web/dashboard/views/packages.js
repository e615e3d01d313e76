/** `/p/:name/packages`: pending and failed load packages, with Retry and Drop. */

import { ApiError, api } from "../api.js";
import { dataTable, errorBox, numCell, pipelineHeader, statusBadge, timeAgo } from "../components.js";
import { h, replace } from "../dom.js";
import { links } from "../links.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  const root = h("div");
  const message = h("div", { "aria-live": "polite", "data-testid": "package-message" });

  const load = async () => {
    /** @type {any} */
    const p = await api.pipeline(name, ctx.signal);
    const open = (p.packages ?? []).filter((/** @type {any} */ x) => x.status !== "loaded");
    return { p, open };
  };

  /**
   * @param {"retry" | "drop"} action
   * @param {any} pkg
   */
  const act = async (action, pkg) => {
    const question =
      action === "retry"
        ? `Load package ${pkg.load_id} again now?`
        : `Drop package ${pkg.load_id}? Its ${pkg.records} extracted records are discarded; the next run extracts them again from the API.`;
    if (!window.confirm(question)) return;
    replace(
      message,
      h("p", { class: "muted" }, `${action === "retry" ? "Retrying" : "Dropping"} ${pkg.load_id}…`),
    );
    try {
      /** @type {any} */
      const res =
        action === "retry"
          ? await api.retryPackage(name, pkg.load_id)
          : await api.dropPackage(name, pkg.load_id);
      replace(message, h("p", { class: "ok-box", role: "status", "data-testid": "package-ok" }, res.message));
    } catch (err) {
      const e = err instanceof ApiError ? err : { message: String(err), hint: undefined };
      replace(
        message,
        errorBox(
          { message: e.message, hint: e.hint },
          { title: `${action} failed`, testid: "package-error" },
        ),
      );
    }
    try {
      draw(await load());
    } catch {
      // keep the list shown
    }
  };

  /** @param {{ p: any; open: any[] }} state */
  const draw = ({ open }) => {
    replace(
      root,
      dataTable(
        [
          { label: "Load id" },
          { label: "Status" },
          { label: "Created" },
          { label: "Records", num: true },
          { label: "Failure" },
          { label: "Actions" },
        ],
        open.map((pkg) =>
          h(
            "tr",
            { "data-testid": "package-row", "data-load-id": pkg.load_id },
            h("th", { scope: "row", class: "mono" }, pkg.load_id),
            h("td", null, statusBadge(pkg.status)),
            h("td", null, timeAgo(pkg.created_at)),
            numCell(pkg.records),
            h(
              "td",
              { class: "failure" },
              pkg.failure
                ? [
                    h("div", { class: "error-message" }, pkg.failure.message),
                    pkg.failure.hint
                      ? h(
                          "div",
                          { class: "error-hint small" },
                          h("span", { class: "hint-label" }, "hint: "),
                          pkg.failure.hint,
                        )
                      : null,
                    h(
                      "div",
                      { class: "muted small" },
                      `${pkg.failure.attempts} attempt${pkg.failure.attempts === 1 ? "" : "s"}`,
                      pkg.failure.kind ? ` · ${pkg.failure.kind}` : "",
                    ),
                  ]
                : h("span", { class: "muted" }, "–"),
            ),
            h(
              "td",
              { class: "actions" },
              h(
                "button",
                {
                  type: "button",
                  "data-testid": "retry",
                  disabled: !pkg.loadable,
                  title: pkg.loadable
                    ? "Load this package now"
                    : "A newer load was committed since it was extracted: loading it is not safe",
                  onclick: () => act("retry", pkg),
                },
                "Retry",
              ),
              " ",
              h(
                "button",
                { type: "button", class: "danger", "data-testid": "drop", onclick: () => act("drop", pkg) },
                "Drop",
              ),
            ),
          ),
        ),
        {
          caption: "Pending and failed packages",
          testid: "packages",
          empty: "No pending or failed packages: everything extracted is loaded.",
        },
      ),
    );
  };

  const state = await load();
  draw(state);
  return {
    page: "packages",
    title: `${name}: packages`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "Packages" }],
    content: [pipelineHeader(name, "packages", state.p), message, root],
  };
}
