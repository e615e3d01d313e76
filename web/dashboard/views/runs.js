/** `/p/:name/runs`: the full run history. */

import { api } from "../api.js";
import { pipelineHeader } from "../components.js";
import { h } from "../dom.js";
import { subscribe } from "../events.js";
import { links } from "../links.js";
import { runTable } from "../run-table.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  const [p, list] = await Promise.all([api.pipeline(name, ctx.signal), api.runs(name, ctx.signal)]);
  const holder = h("div", null, runTable(name, /** @type {any} */ (list).runs));
  // A run that starts or ends here reloads the list.
  ctx.onCleanup(
    subscribe("run", async (live) => {
      if (live.pipeline !== name) return;
      const known = holder.querySelector(`tr[data-run-id="${CSS.escape(live.id)}"]`);
      if (known && known.getAttribute("data-status") === live.status && live.status === "running") return;
      try {
        const next = /** @type {any} */ (await api.runs(name, ctx.signal));
        holder.replaceChildren(runTable(name, next.runs));
      } catch {
        // keep the list shown
      }
    }),
  );
  return {
    page: "runs",
    title: `${name}: runs`,
    crumbs: [{ label: name, href: links.pipeline(name) }, { label: "Runs" }],
    content: [
      pipelineHeader(name, "runs", /** @type {any} */ (p)),
      h("section", { "aria-labelledby": "runs-h" }, h("h2", { id: "runs-h" }, "Run history"), holder),
    ],
  };
}
