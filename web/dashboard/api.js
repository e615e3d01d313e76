/**
 * The JSON API client. Shapes are those of src/dashboard/api-types.ts.
 * A 4xx/5xx answer becomes an ApiError carrying the server's message and hint.
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [hint]
   */
  constructor(status, message, hint) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.hint = hint;
  }
}

/**
 * @param {Response} res
 * @returns {Promise<unknown>}
 */
async function parse(res) {
  const body = await res.text();
  /** @type {unknown} */
  let json;
  try {
    json = body ? JSON.parse(body) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = /** @type {{ error?: { message?: string; hint?: string } } | undefined} */ (json)?.error;
    throw new ApiError(
      res.status,
      err?.message ??
        `${res.status} ${res.statusText || "error"}${body && !json ? `: ${body.slice(0, 200)}` : ""}`,
      err?.hint,
    );
  }
  if (json === undefined) throw new ApiError(res.status, "the server answered with no JSON");
  return json;
}

/**
 * @param {string} path under /api
 * @param {Record<string, string | number | undefined | null>} [query]
 * @returns {string}
 */
export function apiUrl(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return `/api${path}${qs ? `?${qs}` : ""}`;
}

/**
 * @template T
 * @param {string} path
 * @param {Record<string, string | number | undefined | null>} [query]
 * @param {AbortSignal} [signal]
 * @returns {Promise<T>}
 */
export async function get(path, query, signal) {
  let res;
  try {
    res = await fetch(apiUrl(path, query), { headers: { accept: "application/json" }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, "the dashboard server cannot be reached", "is `sluice dashboard` still running?");
  }
  return /** @type {T} */ (await parse(res));
}

/**
 * Every POST carries the dashboard's header: the server refuses others (CSRF guard).
 * @template T
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<T>}
 */
export async function post(path, body) {
  let res;
  try {
    res = await fetch(apiUrl(path), {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        "x-sluice-dashboard": "1",
      },
      body: JSON.stringify(body ?? {}),
    });
  } catch {
    throw new ApiError(0, "the dashboard server cannot be reached", "is `sluice dashboard` still running?");
  }
  return /** @type {T} */ (await parse(res));
}

/** @param {string} s */
const e = (s) => encodeURIComponent(s);

/** Route helpers: one function per API route. */
export const api = {
  /** @param {AbortSignal} [signal] */
  pipelines: (signal) => get("/pipelines", undefined, signal),
  /** @param {string} name @param {AbortSignal} [signal] */
  pipeline: (name, signal) => get(`/pipelines/${e(name)}`, undefined, signal),
  /** @param {string} name @param {AbortSignal} [signal] */
  runs: (name, signal) => get(`/pipelines/${e(name)}/runs`, undefined, signal),
  /** @param {string} name @param {string} id @param {AbortSignal} [signal] */
  run: (name, id, signal) => get(`/pipelines/${e(name)}/runs/${e(id)}`, undefined, signal),
  /**
   * @param {string} name @param {string} id
   * @param {{ resource?: string; status?: string }} filter
   * @param {AbortSignal} [signal]
   */
  requests: (name, id, filter, signal) => get(`/pipelines/${e(name)}/runs/${e(id)}/requests`, filter, signal),
  /** @param {string} name @param {AbortSignal} [signal] */
  schemas: (name, signal) => get(`/pipelines/${e(name)}/schemas`, undefined, signal),
  /** @param {string} name @param {number | string} version @param {AbortSignal} [signal] */
  schema: (name, version, signal) =>
    get(`/pipelines/${e(name)}/schemas/${e(String(version))}`, undefined, signal),
  /** @param {string} name @param {number | string} from @param {number | string} to @param {AbortSignal} [signal] */
  schemaDiff: (name, from, to, signal) => get(`/pipelines/${e(name)}/schema-diff`, { from, to }, signal),
  /** @param {string} name @param {AbortSignal} [signal] */
  tables: (name, signal) => get(`/pipelines/${e(name)}/tables`, undefined, signal),
  /**
   * @param {string} name @param {string} table
   * @param {{ offset?: number; limit?: number; parent_id?: string }} page
   * @param {AbortSignal} [signal]
   */
  rows: (name, table, page, signal) => get(`/pipelines/${e(name)}/tables/${e(table)}/rows`, page, signal),
  /** @param {string} name @param {string} sql */
  sql: (name, sql) => post(`/pipelines/${e(name)}/sql`, { sql }),
  /** @param {string} name @param {string} loadId */
  retryPackage: (name, loadId) => post(`/pipelines/${e(name)}/packages/${e(loadId)}/retry`, {}),
  /** @param {string} name @param {string} loadId */
  dropPackage: (name, loadId) => post(`/pipelines/${e(name)}/packages/${e(loadId)}/drop`, {}),
};
