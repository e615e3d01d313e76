import { mergeEndpoint, withoutNulls } from "../../config/index.js";
import { isPlainObject } from "../../core/json.js";
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

/**
 * Merges `resource_defaults` into one resource with dlt's semantics: the resource's keys override the
 * defaults', except the endpoint (merged by the config's `mergeEndpoint`, which the config checks read
 * too) and the `columns` map, which merges per column. A bare string is `{name, endpoint: {path: name}}`;
 * a missing path is the resource name. Inputs are never mutated.
 */
export function mergeResource(
  resource: string | EndpointResource,
  defaults: ResourceDefaults | undefined,
  index: number,
): MergedResource {
  const res: EndpointResource =
    typeof resource === "string" ? { name: resource, endpoint: { path: resource } } : resource;
  const def: ResourceDefaults = defaults ?? {};
  const endpoint = mergeEndpoint(def.endpoint, res.endpoint).endpoint as Endpoint;

  const merged: Record<string, unknown> = { ...def, ...res };
  const columns = mergeColumns(def.columns, res.columns);
  if (columns !== undefined) merged.columns = columns;
  const clean = withoutNulls(merged) as unknown as EndpointResource;

  return {
    ...clean,
    index,
    endpoint: { ...endpoint, path: endpoint.path ?? res.name },
  };
}

function isColumnMap(c: ColumnsSpec): c is Record<string, DltColumn> {
  return isPlainObject(c) && !isJsonSchema(c);
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
  for (const layer of layers) if (layer) out = { ...out, ...withoutNulls(layer as Record<string, unknown>) };
  return out;
}
