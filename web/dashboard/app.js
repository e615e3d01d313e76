/**
 * The dashboard's entry point: the route table, and the shell that renders a view into `<main>`
 * (its data-page, the document title, the breadcrumbs), cancels the previous view's requests and
 * live subscriptions, and shows not-found and error pages.
 */

import { ApiError } from "./api.js";
import { refreshRelativeTimes } from "./components.js";
import { h, replace } from "./dom.js";
import { onConnection } from "./events.js";
import { createRoutes, startRouter } from "./router.js";
import * as dataView from "./views/data.js";
import * as errorView from "./views/error.js";
import * as notFoundView from "./views/not-found.js";
import * as packagesView from "./views/packages.js";
import * as pipelineView from "./views/pipeline.js";
import * as pipelinesView from "./views/pipelines.js";
import * as resourceView from "./views/resource.js";
import * as runView from "./views/run.js";
import * as runsView from "./views/runs.js";
import * as schemaView from "./views/schema.js";
import * as schemaDiffView from "./views/schema-diff.js";
import * as sqlView from "./views/sql.js";
import * as stateView from "./views/state.js";
import * as tableView from "./views/table.js";

/**
 * @typedef {object} ViewContext
 * @property {Record<string, string>} params
 * @property {URLSearchParams} query
 * @property {URL} url
 * @property {AbortSignal} signal aborted when the user leaves the page
 * @property {(fn: () => void) => void} onCleanup runs when the user leaves the page
 */

/**
 * @typedef {object} ViewResult
 * @property {string} page the `data-page` name
 * @property {string} title
 * @property {{ label: string; href?: string }[]} [crumbs]
 * @property {import("./dom.js").Child} content
 */

/** @typedef {{ render: (ctx: ViewContext) => Promise<ViewResult> }} View */

const routes = createRoutes(
  /** @type {[string, View][]} */ ([
    ["/", pipelinesView],
    ["/p/:name", pipelineView],
    ["/p/:name/runs", runsView],
    ["/p/:name/runs/:id", runView],
    ["/p/:name/runs/:id/resources/:resource", resourceView],
    ["/p/:name/schema", schemaView],
    ["/p/:name/schema/diff", schemaDiffView],
    ["/p/:name/data", dataView],
    ["/p/:name/data/:table", tableView],
    ["/p/:name/sql", sqlView],
    ["/p/:name/packages", packagesView],
    ["/p/:name/state", stateView],
  ]),
);

const main = /** @type {HTMLElement} */ (document.getElementById("main"));
const crumbsEl = /** @type {HTMLElement} */ (document.getElementById("breadcrumbs"));

/** @type {{ controller: AbortController; cleanups: (() => void)[] } | null} */
let current = null;
let generation = 0;

/**
 * @param {{ label: string; href?: string }[]} crumbs
 */
function renderCrumbs(crumbs) {
  const all = [{ label: "Pipelines", href: "/" }, ...crumbs];
  replace(
    crumbsEl,
    h(
      "ol",
      null,
      all.map((c, i) =>
        h(
          "li",
          null,
          i === all.length - 1 || !c.href
            ? h("span", { "aria-current": i === all.length - 1 ? "page" : null }, c.label)
            : h("a", { href: c.href }, c.label),
        ),
      ),
    ),
  );
}

/**
 * @param {URL} url
 * @param {"push" | "pop" | "initial" | "replace"} how
 */
async function show(url, how) {
  if (current) {
    current.controller.abort();
    for (const fn of current.cleanups) {
      try {
        fn();
      } catch (err) {
        console.error(err);
      }
    }
  }
  const mine = ++generation;
  const controller = new AbortController();
  /** @type {(() => void)[]} */
  const cleanups = [];
  current = { controller, cleanups };
  const match = routes.match(url.pathname);
  /** @type {ViewContext} */
  const ctx = {
    params: match?.params ?? {},
    query: url.searchParams,
    url,
    signal: controller.signal,
    onCleanup: (fn) => {
      cleanups.push(fn);
    },
  };
  main.setAttribute("aria-busy", "true");
  /** @type {ViewResult} */
  let result;
  try {
    result = match ? await match.view.render(ctx) : await notFoundView.render(ctx);
  } catch (err) {
    if (mine !== generation || controller.signal.aborted) return;
    if (err instanceof ApiError && err.status === 404) {
      result = await notFoundView.render(ctx, err);
    } else {
      console.error(err);
      result = await errorView.render(ctx, err);
    }
  }
  if (mine !== generation) return;
  document.title = `${result.title} · sluice dashboard`;
  main.dataset.page = result.page;
  replace(main, result.content);
  main.removeAttribute("aria-busy");
  renderCrumbs(result.crumbs ?? []);
  if (how === "push") {
    window.scrollTo(0, 0);
    const heading = main.querySelector("h1");
    if (heading instanceof HTMLElement) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }
}

startRouter((url, how) => {
  show(url, how);
});

setInterval(refreshRelativeTimes, 15_000);

const live = /** @type {HTMLElement} */ (document.getElementById("live-indicator"));
onConnection((connected) => {
  live.hidden = false;
  live.textContent = connected ? "live" : "offline";
  live.classList.toggle("offline", !connected);
  live.title = connected ? "Receiving live updates from the server" : "Live updates disconnected; retrying";
});
