import type { ConfigIssue } from "../../core/errors.js";
import { recordToJson } from "../../core/record-json.js";
import type { HttpMethod, ParamValue, RequestSpec } from "../../http/types.js";
import type { IncrementalConfig, IncrementalParam, ResolveParam } from "./config-types.js";
import type { MergedEndpoint } from "./defaults.js";
import {
  type PlaceholderRef,
  type PlaceholderValues,
  parseTemplate,
  type ResourceRef,
  refValue,
  renderTemplate,
  soleRef,
  type Template,
  templateRefs,
  valueText,
} from "./placeholders.js";

/** A config value with its placeholders parsed once, filled per request. */
export type Compiled =
  | { t: "static"; v: unknown }
  | { t: "tpl"; tpl: Template }
  | { t: "arr"; items: Compiled[] }
  | { t: "obj"; entries: Array<[Template, Compiled]> };

/** A form body: raw text, or ordered `[key, value]` pairs (dlt's dict and list-of-tuples forms alike). */
export type CompiledForm = { t: "text"; tpl: Template } | { t: "pairs"; pairs: Array<[Template, Compiled]> };

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
  /** Every parent reference, with the config path it was found at (for errors). */
  parentRefs: Array<{ ref: ResourceRef; at: string }>;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isResolve(v: unknown): v is ResolveParam {
  return isObj(v) && v.type === "resolve";
}

function isIncrementalParam(v: unknown): v is IncrementalParam {
  return isObj(v) && v.type === "incremental";
}

/**
 * Parses every placeholder of an endpoint and folds dlt's legacy params into the modern form:
 * `{type: resolve}` params become `{resources.<r>.<f>}` path placeholders, a `{type: incremental}`
 * param becomes `incremental.start_param`, and `{name}` in a path binds a static param.
 */
export function compileEndpoint(
  endpoint: MergedEndpoint,
  at: string,
  issues: ConfigIssue[],
): CompiledEndpoint {
  const parentRefs: CompiledEndpoint["parentRefs"] = [];
  let incremental = endpoint.incremental ?? undefined;
  const rawParams = { ...(endpoint.params ?? {}) };
  const legacyResolve = new Map<string, ResourceRef>();

  for (const [name, value] of Object.entries(rawParams)) {
    if (isResolve(value)) {
      legacyResolve.set(name, { kind: "resource", resource: value.resource, field: value.field });
      delete rawParams[name];
    } else if (isIncrementalParam(value)) {
      if (incremental) {
        issues.push({
          path: `${at}.params.${name}`,
          message: "an endpoint has one incremental: this param and endpoint.incremental both define one",
          hint: "keep endpoint.incremental (with start_param) and remove this param",
        });
      } else {
        const { type: _type, ...rest } = value;
        incremental = { ...rest, start_param: name };
      }
      delete rawParams[name];
    }
  }

  const noteRefs = (tpl: Template, where: string, allowNames: boolean) => {
    for (const ref of templateRefs(tpl)) {
      if (ref.kind === "resource") parentRefs.push({ ref, at: where });
      else if (ref.kind === "incremental" && !incremental)
        issues.push({
          path: where,
          message: `{incremental.${ref.field}} is used but the endpoint has no incremental`,
          hint: "add endpoint.incremental with a cursor_path",
        });
      else if (ref.kind === "name" && !allowNames)
        issues.push({
          path: where,
          message: `placeholder {${ref.name}} is not valid here`,
          hint: "placeholders start with resources. or incremental.; write {{ and }} for literal braces",
        });
    }
  };

  const path = bindPathNames(
    parseTemplate(
      bindStaticPathParams(endpoint.path, rawParams, legacyResolve),
      `${at}.path`,
      issues,
      "path",
    ),
    rawParams,
    legacyResolve,
    `${at}.path`,
    issues,
  );
  noteRefs(path, `${at}.path`, false);
  for (const name of legacyResolve.keys())
    issues.push({
      path: `${at}.params.${name}`,
      message: `resolve param "${name}" is not used in the path ${JSON.stringify(endpoint.path)}`,
      hint: `put {${name}} in the path, or write the param as "{resources.<parent>.<field>}"`,
    });

  const params: Array<[Template, Compiled]> = [];
  for (const [name, value] of Object.entries(rawParams)) {
    if (value === undefined) continue;
    const where = `${at}.params.${name}`;
    const key = parseTemplate(name, where, issues);
    const c = compileValue(value, where, issues);
    noteRefs(key, where, false);
    forEachTemplate(c, (tpl) => noteRefs(tpl, where, false));
    params.push([key, c]);
  }

  const headers: Array<[string, Template]> = [];
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    // null drops a header set by resource_defaults
    if (value === null) continue;
    const where = `${at}.headers.${name}`;
    const tpl = parseTemplate(value, where, issues);
    noteRefs(tpl, where, false);
    headers.push([name, tpl]);
  }

  let json: Compiled | undefined;
  if (endpoint.json !== undefined) {
    json = compileValue(endpoint.json, `${at}.json`, issues);
    forEachTemplate(json, (tpl) => noteRefs(tpl, `${at}.json`, false));
  }

  const data = compileForm(endpoint.data, `${at}.data`, issues);
  if (data?.t === "text") noteRefs(data.tpl, `${at}.data`, false);
  else if (data)
    for (const [key, value] of data.pairs) {
      noteRefs(key, `${at}.data`, false);
      forEachTemplate(value, (tpl) => noteRefs(tpl, `${at}.data`, false));
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

/** Resolves legacy `{name}` path placeholders: resolve params become parent refs, static params text. */
function bindPathNames(
  tpl: Template,
  params: Record<string, unknown>,
  resolve: Map<string, ResourceRef>,
  where: string,
  issues: ConfigIssue[],
): Template {
  return tpl.map((seg) => {
    if (typeof seg === "string" || seg.kind !== "name") return seg;
    const ref = resolve.get(seg.name);
    if (ref) {
      resolve.delete(seg.name);
      return ref;
    }
    if (Object.hasOwn(params, seg.name)) {
      const value = params[seg.name];
      delete params[seg.name];
      if (isObj(value) || Array.isArray(value)) {
        issues.push({
          path: where,
          message: `path placeholder {${seg.name}} can only bind a plain value or a resolve param`,
        });
        return "";
      }
      return value === null || value === undefined ? "null" : encodeURIComponent(String(value));
    }
    issues.push({
      path: where,
      message: `path placeholder {${seg.name}} has no matching param`,
      hint: `write {resources.<parent>.<field>} to use a parent's field, or add params.${seg.name}`,
    });
    return "";
  });
}

/**
 * dlt's older path binding, done on the text as dlt does it: a `{name}` naming a plain (non-object) param
 * takes the param's value as written and the param leaves the query. The value is parsed with the rest of
 * the path, so its own `{incremental.…}` or `{resources.…}` placeholders are filled and `{{ }}` unescaped.
 */
function bindStaticPathParams(
  path: string,
  params: Record<string, unknown>,
  resolve: Map<string, ResourceRef>,
): string {
  return path.replace(/\{\{|\}\}|\{\s*([A-Za-z_][\w-]*)\s*\}/g, (whole, name: string | undefined) => {
    if (name === undefined || resolve.has(name) || !Object.hasOwn(params, name)) return whole;
    const value = params[name];
    if (isObj(value) || Array.isArray(value)) return whole;
    delete params[name];
    return valueText(value);
  });
}

/** A form body in any of dlt's spellings: a string, a dict, or a list of `[key, value]` pairs. */
function compileForm(data: unknown, where: string, issues: ConfigIssue[]): CompiledForm | undefined {
  if (data === null || data === undefined) return undefined;
  if (typeof data === "string") return { t: "text", tpl: parseTemplate(data, where, issues) };
  const entries: Array<[string, unknown]> = [];
  if (Array.isArray(data)) {
    for (const [i, pair] of data.entries()) {
      if (Array.isArray(pair) && pair.length === 2 && typeof pair[0] === "string")
        entries.push([pair[0], pair[1]]);
      else
        issues.push({
          path: `${where}[${i}]`,
          message: "a form body given as a list holds [key, value] pairs",
          hint: 'write e.g. [["tag", "a"], ["tag", "b"]], or give data as an object',
        });
    }
  } else if (isObj(data)) entries.push(...Object.entries(data));
  return {
    t: "pairs",
    pairs: entries.map(([k, v]) => [
      parseTemplate(k, `${where}.${k}`, issues),
      compileValue(v, `${where}.${k}`, issues),
    ]),
  };
}

function compileValue(value: unknown, where: string, issues: ConfigIssue[]): Compiled {
  if (typeof value === "string") {
    const tpl = parseTemplate(value, where, issues);
    return templateRefs(tpl).length === 0 ? { t: "static", v: tpl.join("") } : { t: "tpl", tpl };
  }
  if (Array.isArray(value)) return { t: "arr", items: value.map((v) => compileValue(v, where, issues)) };
  if (isObj(value) && Object.getPrototypeOf(value) === Object.prototype)
    return {
      t: "obj",
      entries: Object.entries(value).map(([k, v]) => [
        parseTemplate(k, `${where}.${k}`, issues),
        compileValue(v, `${where}.${k}`, issues),
      ]),
    };
  return { t: "static", v: value };
}

function forEachTemplate(c: Compiled, fn: (tpl: Template) => void): void {
  if (c.t === "tpl") fn(c.tpl);
  else if (c.t === "arr") for (const i of c.items) forEachTemplate(i, fn);
  else if (c.t === "obj")
    for (const [k, v] of c.entries) {
      fn(k);
      forEachTemplate(v, fn);
    }
}

/** In a JSON body a value that is exactly one placeholder keeps its JSON type; otherwise it is text. */
function renderJson(c: Compiled, values: PlaceholderValues): unknown {
  switch (c.t) {
    case "static":
      return c.v;
    case "tpl": {
      const ref = soleRef(c.tpl);
      if (ref) return refValue(ref, values) ?? null;
      return renderTemplate(c.tpl, values, "text");
    }
    case "arr":
      return c.items.map((i) => renderJson(i, values));
    case "obj":
      return Object.fromEntries(
        c.entries.map(([k, v]) => [renderTemplate(k, values, "text"), renderJson(v, values)]),
      );
  }
}

function isIncrementalRef(ref: PlaceholderRef | undefined): boolean {
  return ref?.kind === "incremental";
}

function renderParam(c: Compiled, values: PlaceholderValues): ParamValue | undefined {
  switch (c.t) {
    case "static":
      return c.v as ParamValue;
    case "tpl": {
      const ref = soleRef(c.tpl);
      // An unset incremental bound (no end_value) leaves the param out rather than sending "null".
      if (ref && isIncrementalRef(ref) && refValue(ref, values) === undefined) return undefined;
      return renderTemplate(c.tpl, values, "text");
    }
    case "arr":
      return c.items.map((i) => {
        const v = renderParam(i, values);
        return Array.isArray(v) ? recordToJson(v) : (v ?? null);
      });
    case "obj":
      return recordToJson(renderJson(c, values));
  }
}

/**
 * Form pairs as requests encodes them: a list value repeats its key, a null (or an unset incremental
 * bound, as in params) leaves the key out, booleans are `true`/`false` as in the query string.
 */
function renderForm(form: CompiledForm, values: PlaceholderValues): string | Array<[string, string]> {
  if (form.t === "text") return renderTemplate(form.tpl, values, "text");
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
