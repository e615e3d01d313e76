/**
 * Server-sent events from /api/events, shared by every view: one EventSource for the page,
 * listeners added and removed per view. Events: `run` (a RunLive) and `pipelines` (a PipelinesResponse).
 */

/** @type {EventSource | null} */
let source = null;
/** @type {Map<string, Set<(data: unknown) => void>>} */
const listeners = new Map();
/** @type {Set<(connected: boolean) => void>} */
const statusListeners = new Set();

function ensureSource() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("/api/events");
  source.addEventListener("open", () => {
    for (const fn of statusListeners) fn(true);
  });
  source.addEventListener("error", () => {
    for (const fn of statusListeners) fn(false);
  });
  for (const type of ["run", "pipelines"]) {
    source.addEventListener(type, (event) => {
      const set = listeners.get(type);
      if (!set || set.size === 0) return;
      /** @type {unknown} */
      let data;
      try {
        data = JSON.parse(/** @type {MessageEvent} */ (event).data);
      } catch {
        return;
      }
      for (const fn of [...set]) fn(data);
    });
  }
}

/**
 * Listens to one event type; returns the function that stops listening.
 * @param {"run" | "pipelines"} type
 * @param {(data: any) => void} fn
 * @returns {() => void}
 */
export function subscribe(type, fn) {
  ensureSource();
  let set = listeners.get(type);
  if (!set) {
    set = new Set();
    listeners.set(type, set);
  }
  set.add(fn);
  return () => {
    set.delete(fn);
  };
}

/**
 * @param {(connected: boolean) => void} fn
 * @returns {() => void}
 */
export function onConnection(fn) {
  ensureSource();
  statusListeners.add(fn);
  if (source && source.readyState === EventSource.OPEN) fn(true);
  return () => {
    statusListeners.delete(fn);
  };
}
