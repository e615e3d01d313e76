import {
  type PlaceholderRef,
  parseTemplate,
  type ResourceRef,
  type Template,
  templateRefs,
} from "../../config/index.js";
import { isPlainObject } from "../../core/json.js";
import { recordToJson } from "../../core/record-json.js";
import type { HttpMethod, ParamValue, RequestSpec } from "../../http/types.js";
import type { IncrementalConfig, IncrementalParam, ResolveParam } from "./config-types.js";
import type { MergedEndpoint } from "./defaults.js";
import { type PlaceholderValues, refValue, renderTemplate, soleRef, valueText } from "./placeholders.js";

/** A config value with its placeholders parsed once, filled per request. */
export type Compiled =
  | { kind: "static"; value: unknown }
  | { kind: "template"; template: Template }
  | { kind: "list"; items: Compiled[] }
  | { kind: "object"; entries: Array<[Template, Compiled]> };

/** A form body: raw text, or ordered `[key, value]` pairs (dlt's dict and list-of-tuples forms alike). */
export type CompiledForm =
  | { kind: "text"; template: Template }
  | { kind: "pairs"; pairs: Array<[Template, Compiled]> };

/** An endpoint ready to turn into requests. */
export interface CompiledEndpoint {
  method: HttpMethod;
  path: Template;
  /** Keys are templates too: dlt fills placeholders in dict keys as well as values. */
  params: Array<[Template, Compiled]>;
  headers: Array<[string, Template]>;
  json: Compiled | undefined;
  data: CompiledForm | undefined;
  incremental: IncrementalConfig | undefined;
  /** Every reference to a parent's field, in the order the endpoint holds them. */
  parentRefs: ResourceRef[];
}

function isResolve(v: unknown): v is ResolveParam {
  return isPlainObject(v) && v.type === "resolve";
}

function isIncrementalParam(v: unknown): v is IncrementalParam {
  return isPlainObject(v) && v.type === "incremental";
}

/**
 * Parses every placeholder of an endpoint and folds dlt's legacy params into the modern form:
 * `{type: resolve}` params become `{resources.<r>.<f>}` path placeholders, a `{type: incremental}`
 * param becomes `incremental.start_param`, and `{name}` in a path binds a static param. The endpoint is
 * one of a checked config (`checkConfig`'s rules): nothing is judged here.
 */
export function compileEndpoint(endpoint: MergedEndpoint): CompiledEndpoint {
  const parentRefs: ResourceRef[] = [];
  let incremental = endpoint.incremental ?? undefined;
  const rawParams = { ...(endpoint.params ?? {}) };
  const legacyResolve = new Map<string, ResourceRef>();

  for (const [name, value] of Object.entries(rawParams)) {
    if (isResolve(value)) {
      legacyResolve.set(name, { kind: "resource", resource: value.resource, field: value.field });
      delete rawParams[name];
    } else if (isIncrementalParam(value)) {
      const { type: _type, ...rest } = value;
      incremental ??= { ...rest, start_param: name };
      delete rawParams[name];
    }
  }

  const noteRefs = (template: Template) => {
    for (const ref of templateRefs(template)) if (ref.kind === "resource") parentRefs.push(ref);
  };

  const path = bindPathNames(parseTemplate(endpoint.path, "path").template, rawParams, legacyResolve);
  noteRefs(path);

  const params: Array<[Template, Compiled]> = [];
  for (const [name, value] of Object.entries(rawParams)) {
    if (value === undefined) continue;
    const key = parseTemplate(name).template;
    const c = compileValue(value);
    noteRefs(key);
    forEachTemplate(c, noteRefs);
    params.push([key, c]);
  }

  const headers: Array<[string, Template]> = [];
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    // null drops a header set by resource_defaults
    if (value === null) continue;
    const template = parseTemplate(value).template;
    noteRefs(template);
    headers.push([name, template]);
  }

  let json: Compiled | undefined;
  if (endpoint.json !== undefined) {
    json = compileValue(endpoint.json);
    forEachTemplate(json, noteRefs);
  }

  const data = compileForm(endpoint.data);
  if (data?.kind === "text") noteRefs(data.template);
  else if (data)
    for (const [key, value] of data.pairs) {
      noteRefs(key);
      forEachTemplate(value, noteRefs);
    }

  return {
    method: endpoint.method ?? "GET",
    path,
    params,
    headers,
    json,
    data,
    incremental,
    parentRefs,
  };
}

/**
 * Binds dlt's older `{name}` path placeholders: a resolve param becomes a parent reference, and a plain
 * (non-object) param puts its value into the path as written and leaves the query. That value is read
 * as template text, so its own `{incremental.…}` or `{resources.…}` placeholders are filled and `{{ }}`
 * unescaped, as dlt formats the path once the params are bound.
 */
function bindPathNames(
  template: Template,
  params: Record<string, unknown>,
  resolve: ReadonlyMap<string, ResourceRef>,
): Template {
  const out: Template = [];
  const push = (seg: string | PlaceholderRef) => {
    const last = out.length - 1;
    if (typeof seg === "string" && typeof out[last] === "string") out[last] += seg;
    else out.push(seg);
  };
  const bound = new Set<string>();
  for (const seg of template) {
    const resolved = typeof seg !== "string" && seg.kind === "name" ? resolve.get(seg.name) : undefined;
    if (typeof seg === "string" || seg.kind !== "name" || resolved) push(resolved ?? seg);
    else if (Object.hasOwn(params, seg.name) && isPathValue(params[seg.name])) {
      for (const part of parseTemplate(valueText(params[seg.name])).template) push(part);
      bound.add(seg.name);
    } else push(seg);
  }
  for (const name of bound) delete params[name];
  return out;
}

function isPathValue(value: unknown): boolean {
  return !isPlainObject(value) && !Array.isArray(value);
}

/** A form body in any of dlt's spellings: a string, a dict, or a list of `[key, value]` pairs. */
function compileForm(data: MergedEndpoint["data"]): CompiledForm | undefined {
  if (data === null || data === undefined) return undefined;
  if (typeof data === "string") return { kind: "text", template: parseTemplate(data).template };
  // The schema admits only [key, value] pairs in the list form.
  const entries = Array.isArray(data) ? data : Object.entries(data);
  return {
    kind: "pairs",
    pairs: entries.map(([k, v]) => [parseTemplate(String(k)).template, compileValue(v)]),
  };
}

function compileValue(value: unknown): Compiled {
  if (typeof value === "string") {
    const template = parseTemplate(value).template;
    return templateRefs(template).length === 0
      ? { kind: "static", value: template.join("") }
      : { kind: "template", template };
  }
  if (Array.isArray(value)) return { kind: "list", items: value.map(compileValue) };
  if (isPlainObject(value))
    return {
      kind: "object",
      entries: Object.entries(value).map(([k, v]) => [parseTemplate(k).template, compileValue(v)]),
    };
  return { kind: "static", value };
}

function forEachTemplate(c: Compiled, fn: (template: Template) => void): void {
  if (c.kind === "template") fn(c.template);
  else if (c.kind === "list") for (const i of c.items) forEachTemplate(i, fn);
  else if (c.kind === "object")
    for (const [k, v] of c.entries) {
      fn(k);
      forEachTemplate(v, fn);
    }
}

/** In a JSON body a value that is exactly one placeholder keeps its JSON type; otherwise it is text. */
function renderJson(c: Compiled, values: PlaceholderValues): unknown {
  switch (c.kind) {
    case "static":
      return c.value;
    case "template": {
      const ref = soleRef(c.template);
      if (ref) return refValue(ref, values) ?? null;
      return renderTemplate(c.template, values, "text");
    }
    case "list":
      return c.items.map((i) => renderJson(i, values));
    case "object":
      return Object.fromEntries(
        c.entries.map(([k, v]) => [renderTemplate(k, values, "text"), renderJson(v, values)]),
      );
  }
}

function isIncrementalRef(ref: PlaceholderRef | undefined): boolean {
  return ref?.kind === "incremental";
}

function renderParam(c: Compiled, values: PlaceholderValues): ParamValue | undefined {
  switch (c.kind) {
    case "static":
      return c.value as ParamValue;
    case "template": {
      const ref = soleRef(c.template);
      // An unset incremental bound (no end_value) leaves the param out rather than sending "null".
      if (ref && isIncrementalRef(ref) && refValue(ref, values) === undefined) return undefined;
      return renderTemplate(c.template, values, "text");
    }
    case "list":
      return c.items.map((i) => {
        const v = renderParam(i, values);
        return Array.isArray(v) ? recordToJson(v) : (v ?? null);
      });
    case "object":
      return recordToJson(renderJson(c, values));
  }
}

/**
 * Form pairs as requests encodes them: a list value repeats its key, a null (or an unset incremental
 * bound, as in params) leaves the key out, booleans are `true`/`false` as in the query string.
 */
function renderForm(form: CompiledForm, values: PlaceholderValues): string | Array<[string, string]> {
  if (form.kind === "text") return renderTemplate(form.template, values, "text");
  const out: Array<[string, string]> = [];
  for (const [key, c] of form.pairs) {
    const value = renderParam(c, values);
    if (value === undefined || value === null) continue;
    const name = renderTemplate(key, values, "text");
    for (const item of Array.isArray(value) ? value : [value])
      if (item !== null && item !== undefined) out.push([name, String(item)]);
  }
  return out;
}

/** Fills an endpoint's placeholders for one request. Throws PlaceholderMissing when a value is absent. */
export function renderRequest(
  ep: CompiledEndpoint,
  values: PlaceholderValues,
  extraParams: Record<string, ParamValue> = {},
): RequestSpec {
  const spec: RequestSpec = { method: ep.method, path: renderTemplate(ep.path, values, "path") };
  const params: Record<string, ParamValue> = {};
  for (const [key, c] of ep.params) {
    const v = renderParam(c, values);
    if (v !== undefined) params[renderTemplate(key, values, "text")] = v;
  }
  Object.assign(params, extraParams);
  if (Object.keys(params).length > 0) spec.params = params;
  if (ep.headers.length > 0)
    spec.headers = Object.fromEntries(ep.headers.map(([k, t]) => [k, renderTemplate(t, values, "text")]));
  if (ep.json !== undefined) spec.json = renderJson(ep.json, values);
  if (ep.data !== undefined) spec.data = renderForm(ep.data, values);
  return spec;
}
