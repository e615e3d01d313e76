/** The page shown when loading a page failed for a reason other than "not found". */

import { errorBox } from "../components.js";
import { h } from "../dom.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @param {unknown} err
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx, err) {
  const e = /** @type {{ message?: string; hint?: string }} */ (err ?? {});
  return {
    page: "error",
    title: "Error",
    crumbs: [{ label: "Error" }],
    content: [
      h("h1", null, "This page could not be loaded"),
      errorBox({ message: e.message ?? String(err), hint: e.hint }),
      h(
        "p",
        null,
        h("a", { href: ctx.url.pathname + ctx.url.search }, "Try again"),
        " · ",
        h("a", { href: "/" }, "All pipelines"),
      ),
    ],
  };
}
