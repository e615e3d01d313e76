/** The page for a URL the dashboard does not know, or a pipeline/run/table the API answers 404 for. */

import { h } from "../dom.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @param {{ message: string; hint?: string }} [error]
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx, error) {
  return {
    page: "not-found",
    title: "Not found",
    crumbs: [{ label: "Not found" }],
    content: [
      h("h1", null, "Not found"),
      h(
        "p",
        { "data-testid": "not-found-message" },
        error?.message ?? `There is no page at ${ctx.url.pathname}.`,
      ),
      error?.hint ? h("p", { class: "muted" }, error.hint) : null,
      h("p", null, h("a", { href: "/" }, "All pipelines")),
    ],
  };
}
