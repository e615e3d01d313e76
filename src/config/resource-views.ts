import { isPlainObject } from "../core/json.js";
import { type EndpointMerge, mergeEndpoint } from "./endpoint-merge.js";
import type { TemplateMode } from "./placeholders.js";
import type { PathSegment } from "./positions.js";
import type { EndpointConfig, ResourceConfig, RestApiConfig } from "./schema.js";

/** One resource as the checks read it: as written, where, and with its defaults merged in. */
export interface ResourceView {
  name: string;
  path: PathSegment[];
  /** Where the name is written: the shorthand string itself, or `…name`. */
  nameAt: PathSegment[];
  endpoint: EndpointConfig;
  /** Where the endpoint sits, for messages (`resources[1].endpoint`). */
  endpointPath: PathSegment[];
  /** Where the endpoint's path is written: `…endpoint.path`, or the shorthand string itself. */
  pathAt: PathSegment[];
  raw: ResourceConfig | undefined;
  /** The endpoint a run uses: resource_defaults.endpoint merged in. */
  merged: EndpointMerge;
}

export const DEFAULTS_ENDPOINT: readonly PathSegment[] = ["resource_defaults", "endpoint"];

export function viewResources(config: RestApiConfig): ResourceView[] {
  const defaults = config.resource_defaults?.endpoint;
  const views: ResourceView[] = [];
  config.resources.forEach((r, i) => {
    const path: PathSegment[] = ["resources", i];
    if (typeof r === "string") {
      const endpoint = { path: r };
      const merged = mergeEndpoint(defaults, endpoint);
      views.push({
        name: r,
        path,
        nameAt: path,
        endpoint,
        endpointPath: path,
        pathAt: path,
        raw: undefined,
        merged,
      });
      return;
    }
    // Checks also run on configs the schema rejected, so skip what is not even a resource.
    if (!isPlainObject(r) || typeof r.name !== "string") return;
    const nameAt = [...path, "name"];
    const endpointPath = [...path, "endpoint"];
    const merged = mergeEndpoint(defaults, r.endpoint);
    if (typeof r.endpoint === "string") {
      const endpoint = { path: r.endpoint };
      views.push({
        name: r.name,
        path,
        nameAt,
        endpoint,
        endpointPath,
        pathAt: endpointPath,
        raw: r,
        merged,
      });
      return;
    }
    const endpoint: EndpointConfig = isPlainObject(r.endpoint) ? r.endpoint : { path: r.name };
    const pathAt = [...endpointPath, "path"];
    views.push({ name: r.name, path, nameAt, endpoint, endpointPath, pathAt, raw: r, merged });
  });
  return views;
}

/** A string that may hold placeholders, where it is written, and how it is read. */
export interface TemplatePlace {
  text: string;
  at: PathSegment[];
  mode: TemplateMode;
  /** Written in resource_defaults: judged once there, not again for each resource that inherits it. */
  inherited: boolean;
}

/** The endpoint keys whose strings are templates; header names are not (they must be HTTP tokens). */
const TEMPLATE_KEYS = ["params", "json", "data", "headers"] as const;

/** Every template string of an endpoint as written, with its place: `at` is the endpoint's own place. */
export function* writtenPlaces(
  endpoint: EndpointConfig,
  at: readonly PathSegment[],
  pathAt: readonly PathSegment[],
): Generator<TemplatePlace> {
  if (typeof endpoint.path === "string")
    yield { text: endpoint.path, at: [...pathAt], mode: "path", inherited: false };
  for (const key of TEMPLATE_KEYS)
    yield* stringsIn(endpoint[key] ?? {}, [...at, key], key !== "headers", false);
}

/**
 * Every template string of the endpoint a run uses, each at the place it is written: in the resource,
 * in resource_defaults, or (for a path) the resource's name, which is the path when none is given.
 */
export function* mergedPlaces(r: ResourceView): Generator<TemplatePlace> {
  const { endpoint, ownValue } = r.merged;
  const at = (key: string, subkey?: string) => writtenAt(r, key, subkey);
  if (typeof endpoint.path === "string") {
    const own = ownValue("path");
    yield { text: endpoint.path, at: own ? [...r.pathAt] : at("path"), mode: "path", inherited: !own };
  } else if (endpoint.path === undefined)
    yield { text: r.name, at: [...r.nameAt], mode: "path", inherited: false };
  for (const key of TEMPLATE_KEYS) {
    const value = endpoint[key];
    if (value === undefined) continue;
    const withKeys = key !== "headers";
    if ((key === "params" || key === "json") && isPlainObject(value))
      for (const [k, v] of Object.entries(value)) {
        const place = at(key, k);
        const inherited = !ownValue(key, k);
        yield { text: k, at: place, mode: "value", inherited };
        yield* stringsIn(v, place, withKeys, inherited);
      }
    else yield* stringsIn(value, at(key), withKeys, !ownValue(key));
  }
}

/** Where a value of the merged endpoint is written: in the resource's endpoint or in resource_defaults. */
export function writtenAt(r: ResourceView, key: string, subkey?: string): PathSegment[] {
  const base = r.merged.ownValue(key, subkey) ? [...r.endpointPath, key] : [...DEFAULTS_ENDPOINT, key];
  return subkey === undefined ? base : [...base, subkey];
}

/** Every string in a value with its path; dlt fills placeholders in dict keys too, so keys count. */
function* stringsIn(
  value: unknown,
  path: PathSegment[],
  withKeys: boolean,
  inherited: boolean,
): Generator<TemplatePlace> {
  if (typeof value === "string") yield { text: value, at: path, mode: "value", inherited };
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i], withKeys, inherited);
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) {
      if (withKeys) yield { text: k, at: [...path, k], mode: "value", inherited };
      yield* stringsIn(v, [...path, k], withKeys, inherited);
    }
}
