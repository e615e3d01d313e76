import type { FormBody, HttpMethod, ParamValue, RequestSpec } from "./types.js";
import { joinUrl } from "./url.js";

/**
 * A request as paginators and auth see it: the URL without the spec's params, params kept apart so a
 * paginator can set `offset=` without parsing URLs, and the body as data so body paths can be set.
 */
export interface PreparedRequest {
  method: HttpMethod;
  url: string;
  params: Record<string, ParamValue | undefined>;
  headers: Record<string, string>;
  json?: unknown;
  data?: FormBody;
}

function copyForm(data: FormBody): FormBody {
  if (typeof data === "string") return data;
  return Array.isArray(data) ? data.map(([k, v]): [string, string] => [k, v]) : { ...data };
}

export function prepareRequest(baseUrl: string, spec: RequestSpec): PreparedRequest {
  const req: PreparedRequest = {
    method: spec.method ?? "GET",
    url: joinUrl(baseUrl, spec.path),
    params: { ...spec.params },
    headers: { ...spec.headers },
  };
  // Paginators write into the body: never into the caller's object.
  if (spec.json !== undefined)
    req.json = spec.json !== null && typeof spec.json === "object" ? structuredClone(spec.json) : spec.json;
  if (spec.data !== undefined) req.data = copyForm(spec.data);
  return req;
}

/** The JSON body as an object paginators can write into (created when absent). */
export function jsonBodyObject(req: PreparedRequest): Record<string, unknown> {
  if (req.json === null || typeof req.json !== "object" || Array.isArray(req.json)) req.json = {};
  return req.json as Record<string, unknown>;
}

/** An independent copy: planned parallel requests must not share params or body. */
export function cloneRequest(req: PreparedRequest): PreparedRequest {
  const copy: PreparedRequest = {
    method: req.method,
    url: req.url,
    params: { ...req.params },
    headers: { ...req.headers },
  };
  if (req.json !== undefined)
    copy.json = req.json !== null && typeof req.json === "object" ? structuredClone(req.json) : req.json;
  if (req.data !== undefined) copy.data = copyForm(req.data);
  return copy;
}
