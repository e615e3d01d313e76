/** `/p/:name`: one pipeline's overview: destination, counts and recent runs. */

import { api } from "../api.js";
import { facts, pipelineHeader, statusBadge, timeAgo } from "../components.js";
import { h } from "../dom.js";
import { fmtInt } from "../format.js";
import { links } from "../links.js";
import { runTable } from "../run-table.js";

/**
 * @param {import("../app.js").ViewContext} ctx
 * @returns {Promise<import("../app.js").ViewResult>}
 */
export async function render(ctx) {
  const name = ctx.params.name;
  /** @type {any} */
  const p = await api.pipeline(name, ctx.signal);
  const last = p.running ?? p.last_run;
  const recent = (p.runs_kept ?? []).slice(0, 10);
  const pending = (p.packages ?? []).filter((/** @type {any} */ x) => x.status !== "loaded");
  return {
    page: "pipeline",
    title: name,
    crumbs: [{ label: name }],
    content: [
      pipelineHeader(name, "overview", p),
      h(
        "section",
        { "aria-labelledby": "overview-facts" },
        h("h2", { id: "overview-facts", class: "visually-hidden" }, "Summary"),
        facts([
          [
            "Last run",
            last
              ? [
                  h("a", { href: links.run(name, last.id) }, statusBadge(last.status, "last-run-status")),
                  " ",
                  timeAgo(last.started_at),
                ]
              : h("span", { class: "muted" }, "never run"),
          ],
          ["Runs", fmtInt(p.runs), "runs-count"],
          [
            "Packages",
            pending.length > 0
              ? h(
                  "a",
                  { href: links.packages(name) },
                  `${fmtInt(p.pending_packages)} pending, ${fmtInt(p.failed_packages)} failed`,
                )
              : "none pending",
            "packages-count",
          ],
          ["Destination", [p.destination.name, " ", h("code", null, p.destination.location)]],
          ["Dataset", h("code", null, p.dataset)],
          ["Working dir", h("code", { class: "small" }, p.working_dir)],
        ]),
      ),
      h(
        "section",
        { "aria-labelledby": "recent-runs" },
        h(
          "div",
          { class: "section-head" },
          h("h2", { id: "recent-runs" }, "Recent runs"),
          p.runs_kept?.length > recent.length ? h("a", { href: links.runs(name) }, "All runs →") : null,
        ),
        runTable(name, recent, { testid: "recent-runs" }),
      ),
    ],
  };
}
