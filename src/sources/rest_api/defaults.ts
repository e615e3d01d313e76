import type { PaginatorConfig, RetryPolicy } from "../../http/types.js";
import { isJsonSchema } from "./columns.js";
import type {
  ClientConfig,
  ColumnsSpec,
  DltColumn,
  Endpoint,
  EndpointResource,
  PaginatorSpec,
  ResourceDefaults,
} from "./config-types.js";

/** An endpoint after defaults merged in: `path` always present, `null` resets removed. */
export type MergedEndpoint = Omit<Endpoint, "path"> & { path: string };

/** A resource after shorthand expansion and defaults merge. `index` is its place in `resources`. */
export type MergedResource = Omit<EndpointResource, "endpoint"> & {
  endpoint: MergedEndpoint;
  index: number;
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function endpointObject(endpoint: string | Endpoint | null | undefined): Endpoint {
  if (typeof endpoint === "string") return { path: endpoint };
  return endpoint ? { ...endpoint } : {};
}

/** Drops keys whose value is null: in a resource, `null` means "not the default". */
function withoutNulls<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Merges `resource_defaults` into one resource with dlt's semantics: the resource's keys override the
 * defaults', except endpoint `params` and `json` and the `columns` map, which merge one level deep.
 * A bare string is `{name, endpoint: {path: name}}`; an endpoint string is its path; a missing path is
 * the resource name. Inputs are never mutated.
 */
export function mergeResource(
  resource: string | EndpointResource,
  defaults: ResourceDefaults | undefined,
  index: number,
): MergedResource {
  const res: EndpointResource =
    typeof resource === "string" ? { name: resource, endpoint: { path: resource } } : resource;
  const def: ResourceDefaults = defaults ?? {};

  const defEndpoint = endpointObject(def.endpoint);
  const ownEndpoint = endpointObject(res.endpoint);

  const endpoint: Obj = { ...defEndpoint, ...ownEndpoint };
  // error_handler is the seeds' own key: merging it per knob lets a resource change one of them.
  for (const key of ["params", "json", "error_handler"] as const) {
    const d = defEndpoint[key];
    const o = ownEndpoint[key];
    if (isObj(d) && isObj(o)) endpoint[key] = { ...d, ...o };
  }
  if (isObj(endpoint.params)) endpoint.params = withoutNulls(endpoint.params);
  const mergedEndpoint = withoutNulls(endpoint) as Endpoint;

  const merged: Obj = { ...def, ...res };
  const columns = mergeColumns(def.columns, res.columns);
  if (columns !== undefined) merged.columns = columns;
  const clean = withoutNulls(merged) as unknown as EndpointResource;

  return {
    ...clean,
    index,
    endpoint: { ...mergedEndpoint, path: mergedEndpoint.path ?? res.name },
  };
}

function isColumnMap(c: ColumnsSpec): c is Record<string, DltColumn> {
  return isObj(c) && !isJsonSchema(c);
}

function columnList(c: ColumnsSpec): Record<string, DltColumn> | undefined {
  if (Array.isArray(c)) {
    const out: Record<string, DltColumn> = {};
    for (const col of c) if (col.name) out[col.name] = col;
    return out;
  }
  return isColumnMap(c) ? c : undefined;
}

/** Column hints merge per column, hint by hint (dlt's merge_columns); JSON Schemas are not merged. */
function mergeColumns(
  def: ColumnsSpec | null | undefined,
  own: ColumnsSpec | null | undefined,
): ColumnsSpec | null | undefined {
  if (own === null) return null;
  if (!def || !own) return own ?? def;
  const d = columnList(def);
  const o = columnList(own);
  if (!d || !o) return own;
  const out: Record<string, DltColumn> = { ...d };
  for (const [name, hint] of Object.entries(o)) out[name] = { ...d[name], ...hint };
  return out;
}

export function paginatorObject(p: PaginatorSpec | null | undefined): PaginatorConfig | undefined {
  if (p === null || p === undefined) return undefined;
  return typeof p === "string" ? ({ type: p } as PaginatorConfig) : p;
}

/** Paginator precedence: the resource's endpoint (which already carries resource_defaults), then the client. */
export function effectivePaginator(
  endpoint: MergedEndpoint,
  client: ClientConfig,
): PaginatorConfig | undefined {
  return paginatorObject(endpoint.paginator) ?? paginatorObject(client.paginator);
}

/**
 * Retry policy precedence, merged key by key so an endpoint may change one knob: the client's, then the
 * endpoint's (which already carries resource_defaults.endpoint.error_handler).
 */
export function effectiveRetry(
  resource: MergedResource,
  client: ClientConfig,
): Partial<RetryPolicy> | undefined {
  const layers = [client.error_handler, resource.endpoint.error_handler];
  let out: Partial<RetryPolicy> | undefined;
  for (const layer of layers) if (layer) out = { ...out, ...withoutNulls(layer as Obj) };
  return out;
}
