/**
 * The client router: path patterns → views, real `<a href>` links intercepted and pushed with
 * history.pushState, back/forward through popstate. A reload of any URL renders the same page
 * because the server answers every non-API path with index.html.
 */

/**
 * @typedef {object} Route
 * @property {string} pattern e.g. "/p/:name/runs/:id"
 * @property {RegExp} regex
 * @property {string[]} keys
 * @property {unknown} view
 */

/**
 * @param {string} pattern
 * @returns {{ regex: RegExp; keys: string[] }}
 */
function compile(pattern) {
  /** @type {string[]} */
  const keys = [];
  const source = pattern
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        keys.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { regex: new RegExp(`^${source}/?$`), keys };
}

/**
 * @template V
 * @param {[string, V][]} table pattern → view
 */
export function createRoutes(table) {
  const routes = table.map(([pattern, view]) => ({ pattern, view, ...compile(pattern) }));
  return {
    /**
     * @param {string} pathname
     * @returns {{ view: V; params: Record<string, string>; pattern: string } | null}
     */
    match(pathname) {
      for (const route of routes) {
        const m = route.regex.exec(pathname);
        if (!m) continue;
        /** @type {Record<string, string>} */
        const params = {};
        let ok = true;
        route.keys.forEach((key, i) => {
          try {
            params[key] = decodeURIComponent(m[i + 1]);
          } catch {
            ok = false;
          }
        });
        if (ok) return { view: route.view, params, pattern: route.pattern };
      }
      return null;
    },
  };
}

/** @type {(url: URL, how: "push" | "pop" | "initial" | "replace") => void} */
let onNavigate = () => {};

/**
 * Starts listening: clicks on same-origin links and back/forward.
 * @param {(url: URL, how: "push" | "pop" | "initial" | "replace") => void} handler
 */
export function startRouter(handler) {
  onNavigate = handler;
  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = /** @type {Element | null} */ (event.target);
    const link = target?.closest?.("a[href]");
    if (!link || !(link instanceof HTMLAnchorElement)) return;
    if (link.target && link.target !== "_self") return;
    if (link.hasAttribute("download") || link.dataset.external !== undefined) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin) return;
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/assets/")) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  window.addEventListener("popstate", () => {
    onNavigate(new URL(location.href), "pop");
  });
  onNavigate(new URL(location.href), "initial");
}

/**
 * Goes to a URL inside the app.
 * @param {string} href
 * @param {{ replace?: boolean }} [options]
 */
export function navigate(href, options = {}) {
  const url = new URL(href, location.href);
  if (options.replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  onNavigate(url, options.replace ? "replace" : "push");
}

/**
 * Changes the URL's query without rendering again (e.g. the SQL box keeping its query in the URL).
 * @param {URLSearchParams} query
 */
export function setQuery(query) {
  const qs = query.toString();
  history.replaceState(null, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
}
