import type { ParamValue } from "./types.js";

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

export function isAbsoluteUrl(path: string): boolean {
  return ABSOLUTE.test(path);
}

/**
 * Joins a base URL and a path keeping the base's path (`https://h/v2` + `/v1/x` → `https://h/v2/v1/x`),
 * which is what users of dlt's config expect and what `new URL(path, base)` gets wrong.
 */
export function joinUrl(base: string, path: string): string {
  if (isAbsoluteUrl(path)) return path;
  if (path === "") return base;
  const b = base.endsWith("/") ? base.slice(0, -1) : base;
  return path.startsWith("/") ? b + path : `${b}/${path}`;
}

function encodeScalar(v: string | number | boolean): string {
  return encodeURIComponent(typeof v === "string" ? v : String(v));
}

/** Query string for params: lists repeated, null/undefined omitted, booleans as `true`/`false`. */
export function encodeParams(params: Record<string, ParamValue | undefined>): string {
  let out = "";
  for (const name in params) {
    const value = params[name];
    if (value === null || value === undefined) continue;
    const key = encodeURIComponent(name);
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item === null || item === undefined) continue;
        out += `${out ? "&" : ""}${key}=${encodeScalar(item)}`;
      }
    } else {
      out += `${out ? "&" : ""}${key}=${encodeScalar(value)}`;
    }
  }
  return out;
}

/** `url` with `params` appended to whatever query it already has. */
export function withParams(url: string, params: Record<string, ParamValue | undefined>): string {
  const qs = encodeParams(params);
  if (!qs) return url;
  const hash = url.indexOf("#");
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return base + (base.includes("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?") + qs;
}

/** Splits a URL into its query-less part and its params (repeated names become lists). */
export function splitUrl(url: string): { url: string; params: Record<string, ParamValue> } {
  const u = new URL(url);
  const params: Record<string, ParamValue> = {};
  for (const [k, v] of u.searchParams) {
    const prev = params[k];
    if (prev === undefined) params[k] = v;
    else params[k] = Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  u.search = "";
  u.hash = "";
  return { url: u.href, params };
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "";
  }
}
