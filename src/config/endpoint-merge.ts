import { isPlainObject } from "../core/json.js";

/**
 * Endpoint keys whose objects merge one level deep over resource_defaults: params and json as dlt merges
 * them, and sluice's error_handler, so a resource can change one retry setting and keep the others.
 */
const MERGED_ONE_LEVEL = new Set(["params", "json", "error_handler"]);

/** One resource's endpoint with `resource_defaults.endpoint` merged in, and who wrote each value. */
export interface EndpointMerge {
  /** Null values removed: in a resource, `null` means "not the default". No `path` when neither has one. */
  endpoint: Record<string, unknown>;
  /**
   * True when the resource's own endpoint wrote `endpoint[key]` (for params and json, `endpoint[key][subkey]`),
   * false when resource_defaults did: where a check points for a value the resource inherited.
   */
  ownValue(key: string, subkey?: string): boolean;
}

/**
 * dlt's merge: the resource's keys override the defaults', except those above, which merge one level
 * deep. An endpoint string is its path. Inputs are never mutated.
 */
export function mergeEndpoint(defaults: unknown, own: unknown): EndpointMerge {
  const d = endpointObject(defaults);
  const o = endpointObject(own);
  const merged: Record<string, unknown> = { ...d, ...o };
  for (const key of MERGED_ONE_LEVEL) {
    const dv = d[key];
    const ov = o[key];
    if (isPlainObject(dv) && isPlainObject(ov)) merged[key] = { ...dv, ...ov };
  }
  if (isPlainObject(merged.params)) merged.params = withoutNulls(merged.params);
  return {
    endpoint: withoutNulls(merged),
    ownValue(key, subkey) {
      if (!Object.hasOwn(o, key)) return false;
      const ov = o[key];
      if (subkey === undefined || !MERGED_ONE_LEVEL.has(key) || !isPlainObject(ov) || !isPlainObject(d[key]))
        return true;
      return Object.hasOwn(ov, subkey);
    },
  };
}

function endpointObject(endpoint: unknown): Record<string, unknown> {
  if (typeof endpoint === "string") return { path: endpoint };
  return endpoint ? { ...endpoint } : {};
}

/** Drops keys whose value is null (or undefined). */
export function withoutNulls<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}
