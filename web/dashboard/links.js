/** The app's URLs, built in one place so every link to a page is spelled the same. */

/** @param {string | number} s */
const e = (s) => encodeURIComponent(String(s));

/**
 * @param {string} base
 * @param {Record<string, string | number | undefined | null>} [query]
 */
function withQuery(base, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export const links = {
  home: () => "/",
  /** @param {string} p */
  pipeline: (p) => `/p/${e(p)}`,
  /** @param {string} p */
  runs: (p) => `/p/${e(p)}/runs`,
  /** @param {string} p @param {string} id */
  run: (p, id) => `/p/${e(p)}/runs/${e(id)}`,
  /** @param {string} p @param {string} id @param {string} resource @param {string} [status] */
  resource: (p, id, resource, status) =>
    withQuery(`/p/${e(p)}/runs/${e(id)}/resources/${e(resource)}`, { status }),
  /** @param {string} p @param {number} [version] */
  schema: (p, version) => withQuery(`/p/${e(p)}/schema`, { version }),
  /** @param {string} p @param {number} [from] @param {number} [to] */
  schemaDiff: (p, from, to) => withQuery(`/p/${e(p)}/schema/diff`, { from, to }),
  /** @param {string} p */
  data: (p) => `/p/${e(p)}/data`,
  /** @param {string} p @param {string} table @param {{ offset?: number; parent_id?: string }} [q] */
  table: (p, table, q) => withQuery(`/p/${e(p)}/data/${e(table)}`, q),
  /** @param {string} p @param {string} [sql] */
  sql: (p, sql) => withQuery(`/p/${e(p)}/sql`, { q: sql }),
  /** @param {string} p */
  packages: (p) => `/p/${e(p)}/packages`,
  /** @param {string} p */
  state: (p) => `/p/${e(p)}/state`,
};
