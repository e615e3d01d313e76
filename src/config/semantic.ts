import { isPlainObject } from "../core/json.js";
import { jsonPathIssues } from "./json-paths.js";
import { INCREMENTAL_PLACEHOLDER_FIELDS } from "./placeholder-names.js";
import type { PathSegment } from "./positions.js";
import type { EndpointConfig, ResourceConfig, ResourceDefaults, RestApiConfig } from "./schema.js";
import type { Resolved } from "./secrets.js";
import { closest, suggestionHint } from "./suggest.js";

/** A problem found by a check the schema cannot express (names, references, cycles). */
export interface SemanticIssue {
  path: PathSegment[];
  message: string;
  hint?: string;
  value?: unknown;
}

const INCREMENTAL_FIELDS = INCREMENTAL_PLACEHOLDER_FIELDS;
const NAMESPACES = ["resources", "incremental"];

/** RFC 9110 `token`: the characters a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A `{…}` placeholder, as dlt writes them; `{{` and `}}` are literal braces. */
export interface Placeholder {
  expression: string;
}

export function placeholdersIn(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const m of text.matchAll(/\{\{|\}\}|\{([^{}]*)\}/g)) {
    // `${secrets.x}` and `${env.X}` are sluice's references, resolved before any placeholder is filled.
    if (m[1] !== undefined && text[m.index - 1] !== "$") out.push({ expression: m[1].trim() });
  }
  return out;
}

interface ResourceView {
  name: string;
  path: PathSegment[];
  endpoint: EndpointConfig;
  /** Where the endpoint sits, for messages (`resources[1].endpoint`). */
  endpointPath: PathSegment[];
  /** Where the endpoint's path is written: `…endpoint.path`, or the shorthand string itself. */
  pathAt: PathSegment[];
  raw: ResourceConfig | undefined;
}

function viewResources(config: RestApiConfig): ResourceView[] {
  const views: ResourceView[] = [];
  config.resources.forEach((r, i) => {
    const path: PathSegment[] = ["resources", i];
    if (typeof r === "string") {
      views.push({ name: r, path, endpoint: { path: r }, endpointPath: path, pathAt: path, raw: undefined });
      return;
    }
    // Checks also run on configs the schema rejected, so skip what is not even a resource.
    if (!isPlainObject(r) || typeof r.name !== "string") return;
    const endpointPath = [...path, "endpoint"];
    if (typeof r.endpoint === "string") {
      views.push({
        name: r.name,
        path,
        endpoint: { path: r.endpoint },
        endpointPath,
        pathAt: endpointPath,
        raw: r,
      });
      return;
    }
    const endpoint: EndpointConfig = isPlainObject(r.endpoint) ? r.endpoint : { path: r.name };
    views.push({ name: r.name, path, endpoint, endpointPath, pathAt: [...endpointPath, "path"], raw: r });
  });
  return views;
}

/** Value of a hint on a resource, falling back to resource_defaults; an explicit null resets the default. */
function hint(r: ResourceView, defaults: ResourceDefaults | undefined, key: string): unknown {
  if (r.raw && Object.hasOwn(r.raw, key)) return (r.raw as Record<string, unknown>)[key];
  return defaults ? (defaults as Record<string, unknown>)[key] : undefined;
}

function defaultsEndpoint(defaults: ResourceDefaults | undefined): EndpointConfig | undefined {
  const e = defaults?.endpoint;
  return typeof e === "object" && e !== null ? e : undefined;
}

/** Every string in a value with its path, for placeholder checks in params and JSON bodies. */
function* stringsIn(
  value: unknown,
  path: PathSegment[],
  withKeys = false,
): Generator<[string, PathSegment[]]> {
  if (typeof value === "string") yield [value, path];
  else if (Array.isArray(value))
    for (const [i, v] of value.entries()) yield* stringsIn(v, [...path, i], withKeys);
  else if (isPlainObject(value))
    for (const [k, v] of Object.entries(value)) {
      // dlt fills placeholders in dict keys too, so it checks them too.
      if (withKeys) yield [k, [...path, k]];
      yield* stringsIn(v, [...path, k], withKeys);
    }
}

export function semanticIssues(config: RestApiConfig): {
  errors: SemanticIssue[];
  warnings: SemanticIssue[];
} {
  const errors: SemanticIssue[] = [];
  const warnings: SemanticIssue[] = [];
  const resources = viewResources(config);
  const names = resources.map((r) => r.name);
  const defaults = config.resource_defaults;
  const dEndpoint = defaultsEndpoint(defaults);

  checkUrl(config.client.base_url, ["client", "base_url"], errors);

  // Duplicate names.
  const firstSeen = new Map<string, number>();
  resources.forEach((r, i) => {
    const first = firstSeen.get(r.name);
    if (first === undefined) firstSeen.set(r.name, i);
    else
      errors.push({
        path: typeof config.resources[i] === "string" ? r.path : [...r.path, "name"],
        message: `resource "${r.name}" is defined twice (first at resources[${first}])`,
        hint: "give each resource a unique name (set table_name to load two resources into one table)",
        value: r.name,
      });
  });

  // Auth and paginators, wherever they appear.
  checkAuth(config.client.auth, ["client", "auth"], errors);
  errors.push(...headerIssues(config));
  checkPaginator(config.client.paginator, ["client", "paginator"], errors, warnings);
  if (dEndpoint) {
    checkAuth(dEndpoint.auth, ["resource_defaults", "endpoint", "auth"], errors);
    checkIncrementalParams(dEndpoint.params, ["resource_defaults", "endpoint", "params"], errors);
    checkPaginator(dEndpoint.paginator, ["resource_defaults", "endpoint", "paginator"], errors, warnings);
    checkPlaceholders(
      dEndpoint,
      ["resource_defaults", "endpoint"],
      ["resource_defaults", "endpoint", "path"],
      names,
      errors,
    );
  }
  checkHints(defaults as Record<string, unknown> | undefined, ["resource_defaults"], errors);

  const parents = new Map<string, string>();
  for (const r of resources) {
    checkAuth(r.endpoint.auth, [...r.endpointPath, "auth"], errors);
    checkPaginator(r.endpoint.paginator, [...r.endpointPath, "paginator"], errors, warnings);
    checkHints(r.raw as Record<string, unknown> | undefined, r.path, errors);
    if (r.raw !== undefined) checkIncrementalParams(r.endpoint.params, [...r.endpointPath, "params"], errors);
    checkBodies(r, dEndpoint, errors);

    const refs = checkPlaceholders(r.endpoint, r.endpointPath, r.pathAt, names, errors);
    const found = new Map<string, PathSegment[]>();
    for (const ref of refs) if (!found.has(ref.parent)) found.set(ref.parent, ref.path);
    if (found.size > 1) {
      errors.push({
        path: r.endpointPath,
        message: `resource "${r.name}" refers to more than one parent (${[...found.keys()].join(", ")})`,
        hint: "a resource has one parent; chain them instead (grandparent → parent → child)",
      });
    }
    const parent = [...found.keys()].find((p) => names.includes(p));
    if (parent !== undefined) parents.set(r.name, parent);

    const includeFromParent = r.raw?.include_from_parent;
    if (Array.isArray(includeFromParent) && includeFromParent.length > 0 && found.size === 0) {
      errors.push({
        path: [...r.path, "include_from_parent"],
        message: `resource "${r.name}" has no parent to include fields from`,
        hint: "refer to the parent in the endpoint, e.g. path: /items/{resources.parent.id}/details",
      });
    }

    // Incremental: placeholders need a cursor, and there is at most one cursor.
    const incParams = Object.entries({ ...(dEndpoint?.params ?? {}), ...(r.endpoint.params ?? {}) }).filter(
      ([, v]) => isPlainObject(v) && v.type === "incremental",
    );
    const ownIncremental =
      r.endpoint.incremental !== undefined ? r.endpoint.incremental : (dEndpoint?.incremental ?? undefined);
    if (ownIncremental && incParams.length > 0) {
      errors.push({
        path: [...r.endpointPath, "incremental"],
        message: `resource "${r.name}" has both endpoint.incremental and an incremental param (${incParams[0]![0]})`,
        hint: "keep one: endpoint.incremental with a {incremental.start_value} placeholder is the current form",
      });
    }
    if (incParams.length > 1) {
      errors.push({
        path: [...r.endpointPath, "params"],
        message: `resource "${r.name}" has ${incParams.length} incremental params`,
        hint: "a resource has one incremental cursor",
      });
    }
    const hasIncremental = Boolean(ownIncremental) || incParams.length > 0;
    if (!hasIncremental) {
      for (const use of incrementalUses(r.endpoint, r.endpointPath, r.pathAt)) {
        errors.push({
          path: use,
          message: `placeholder {incremental.…} used but resource "${r.name}" has no incremental`,
          hint: "add endpoint.incremental: {cursor_path: ..., initial_value: ...}",
        });
      }
    }

    checkMergeKeys(r, defaults, errors, warnings);
  }

  // Cycles in the parent graph: each node has one parent, so walk each chain once (linear time).
  const done = new Set<string>();
  for (const start of names) {
    if (done.has(start)) continue;
    const onChain = new Map<string, number>();
    const chain: string[] = [];
    let node: string | undefined = start;
    while (node !== undefined && !done.has(node) && !onChain.has(node)) {
      onChain.set(node, chain.length);
      chain.push(node);
      node = parents.get(node);
    }
    for (const n of chain) done.add(n);
    if (node === undefined || !onChain.has(node)) continue;
    const cycle = chain.slice(onChain.get(node));
    const at = resources.find((r) => r.name === cycle[0])!;
    errors.push({
      path: at.endpointPath,
      message: `resources form a cycle: ${[...cycle, cycle[0]].join(" → ")} (each takes values from the next)`,
      hint: "a parent must not depend on its own children; remove one of the references",
    });
  }

  errors.push(...jsonPathIssues(config));
  return { errors, warnings };
}

/**
 * The keys each merge strategy needs, as dlt's load applies them: delete-insert without any key
 * appends (a warning), upsert without a primary key fails (here, before any request), scd2 needs none.
 */
function checkMergeKeys(
  r: ResourceView,
  defaults: ResourceDefaults | undefined,
  errors: SemanticIssue[],
  warnings: SemanticIssue[],
): void {
  const wd = hint(r, defaults, "write_disposition");
  const disposition = typeof wd === "string" ? wd : isPlainObject(wd) ? wd.disposition : undefined;
  if (disposition !== "merge") return;
  const strategy = isPlainObject(wd) && typeof wd.strategy === "string" ? wd.strategy : "delete-insert";
  const hasPk = hasKey(hint(r, defaults, "primary_key")) || hasColumnFlag(r, defaults, "primary_key");
  const hasMk = hasKey(hint(r, defaults, "merge_key")) || hasColumnFlag(r, defaults, "merge_key");
  const wdPath = r.raw?.write_disposition !== undefined ? [...r.path, "write_disposition"] : r.path;
  if (strategy === "upsert" && !hasPk)
    errors.push({
      path: wdPath,
      message: `resource "${r.name}" uses merge strategy upsert without a primary_key (dlt refuses it too)`,
      hint: "set primary_key (here or in resource_defaults), or use strategy delete-insert with a merge_key",
    });
  else if (strategy === "delete-insert" && !hasPk && !hasMk)
    warnings.push({
      path: r.path,
      message: `resource "${r.name}" uses write_disposition merge without primary_key or merge_key; rows will be appended`,
      hint: "set primary_key (here or in resource_defaults)",
    });
}

function hasKey(key: unknown): boolean {
  return typeof key === "string" ? key !== "" : Array.isArray(key) && key.length > 0;
}

/** `columns: {id: {primary_key: true}}` sets the key as well. */
function hasColumnFlag(
  r: ResourceView,
  defaults: ResourceDefaults | undefined,
  flag: "primary_key" | "merge_key",
): boolean {
  const columns = hint(r, defaults, "columns");
  if (!isPlainObject(columns)) return false;
  return Object.values(columns).some((c) => isPlainObject(c) && c[flag] === true);
}

function checkUrl(url: unknown, path: PathSegment[], errors: SemanticIssue[]): void {
  if (typeof url !== "string" || url.includes("${")) return;
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === "http:" || u.protocol === "https:";
  } catch {
    ok = false;
  }
  if (!ok)
    errors.push({
      path,
      message: `not an absolute http(s) URL: ${JSON.stringify(url)}`,
      hint: 'write the scheme and host, e.g. "https://api.example.com/v1"',
      value: url,
    });
}

/**
 * Header names must be HTTP tokens and values one line: no HTTP client can send anything else. Run on
 * the config as written, and again once secrets are resolved (a secret may end in a newline).
 */
export function headerIssues(resolvedOrNot: RestApiConfig | Resolved<RestApiConfig>): SemanticIssue[] {
  // Only names and plain strings are read: secret references are skipped, resolved ones checked.
  const config = resolvedOrNot as RestApiConfig;
  const errors: SemanticIssue[] = [];
  checkHeaders(config.client.headers, ["client", "headers"], errors);
  const d = defaultsEndpoint(config.resource_defaults);
  checkHeaders(d?.headers, ["resource_defaults", "endpoint", "headers"], errors);
  for (const r of viewResources(config))
    if (r.raw !== undefined) checkHeaders(r.endpoint.headers, [...r.endpointPath, "headers"], errors);
  return errors;
}

function checkHeaders(headers: unknown, path: PathSegment[], errors: SemanticIssue[]): void {
  if (!isPlainObject(headers)) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      errors.push({
        path: [...path, name],
        message: `${JSON.stringify(name)} is not a valid HTTP header name`,
        hint: "a header name is letters, digits and !#$%&'*+-.^_`|~ only: no spaces, colons or braces (check what was interpolated into it)",
      });
    else if (typeof value === "string" && /[\r\n\0]/.test(value))
      errors.push({
        path: [...path, name],
        message: `header "${name}" has a line break (CR/LF) in its value`,
        hint: "a header value is one line: remove the line break",
      });
  }
}

/** dlt takes only a start from an incremental param; a range needs the endpoint-level block. */
function checkIncrementalParams(params: unknown, path: PathSegment[], errors: SemanticIssue[]): void {
  if (!isPlainObject(params)) return;
  for (const [name, value] of Object.entries(params)) {
    if (!isPlainObject(value) || value.type !== "incremental") continue;
    for (const key of ["end_value", "end_param"] as const) {
      if (value[key] === undefined || value[key] === null) continue;
      errors.push({
        path: [...path, name, key],
        message: `an incremental param takes only a start (cursor_path, initial_value), not ${key}`,
        hint: `use endpoint.incremental instead: {start_param: "${name}", cursor_path: ..., initial_value: ..., end_param: ..., end_value: ...}, and remove params.${name}`,
      });
    }
  }
}

/** dlt's client refuses a request with both a JSON and a form body ("Cannot use both 'json' and 'data'"). */
function checkBodies(r: ResourceView, d: EndpointConfig | undefined, errors: SemanticIssue[]): void {
  const own = r.endpoint;
  const ownJson = Object.hasOwn(own, "json") ? own.json : undefined;
  const json =
    isPlainObject(ownJson) && isPlainObject(d?.json)
      ? { ...d.json, ...ownJson }
      : ownJson !== undefined
        ? ownJson
        : d?.json;
  const ownData = Object.hasOwn(own, "data") ? own.data : undefined;
  const data = ownData !== undefined ? ownData : d?.data;
  // Python's truth: an empty body is no body, as in dlt.
  if (!nonEmpty(json) || !nonEmpty(data)) return;
  const where = (mine: boolean) => (mine ? "this endpoint" : "resource_defaults.endpoint");
  errors.push({
    path: nonEmpty(ownData) ? [...r.endpointPath, "data"] : ["resource_defaults", "endpoint", "data"],
    message: `resource "${r.name}" has both json (from ${where(nonEmpty(ownJson))}) and data (from ${where(nonEmpty(ownData))}); a request has one body`,
    hint: "keep json for a JSON body or data for a form body; set the other to null to drop a default",
  });
}

function nonEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

function checkAuth(auth: unknown, path: PathSegment[], errors: SemanticIssue[]): void {
  if (!isPlainObject(auth)) return;
  if (
    auth.type === "api_key" &&
    (auth.location === undefined || auth.location === "header") &&
    typeof auth.name === "string" &&
    !HEADER_NAME.test(auth.name)
  )
    errors.push({
      path: [...path, "name"],
      message: `${JSON.stringify(auth.name)} is not a valid HTTP header name`,
      hint: "a header name is letters, digits and !#$%&'*+-.^_`|~ only: no spaces, colons or braces",
    });
  if (
    (auth.type === "oauth2" || auth.type === "oauth2_client_credentials") &&
    !auth.token_url &&
    !auth.access_token_url
  ) {
    errors.push({
      path: [...path, "token_url"],
      message: "OAuth2 needs the token endpoint URL",
      hint: "add token_url, or dlt's spelling access_token_url",
    });
  }
  if (auth.token_url && auth.access_token_url && auth.token_url !== auth.access_token_url) {
    errors.push({
      path: [...path, "access_token_url"],
      message: "token_url and access_token_url disagree",
      hint: "they are two spellings of one setting; keep one",
    });
  }
}

function checkPaginator(
  paginator: unknown,
  path: PathSegment[],
  errors: SemanticIssue[],
  warnings: SemanticIssue[],
): void {
  const type = isPlainObject(paginator) ? paginator.type : paginator;
  if (type === "json_response") {
    warnings.push({
      path: isPlainObject(paginator) ? [...path, "type"] : path,
      message: 'paginator "json_response" is deprecated (dlt\'s old name of the JSON-link paginator)',
      hint: 'write "json_link"; it means the same',
      value: type,
    });
  }
  if (paginator === "offset") {
    errors.push({
      path,
      message: 'the offset paginator needs a page size; "offset" alone has none',
      hint: 'write {type: "offset", limit: 100}',
      value: paginator,
    });
  }
  if (isPlainObject(paginator) && paginator.type === "page_number") {
    if (
      paginator.base_page !== undefined &&
      paginator.start_from_page !== undefined &&
      paginator.base_page !== paginator.start_from_page
    ) {
      errors.push({
        path: [...path, "start_from_page"],
        message: "base_page and start_from_page disagree",
        hint: "they are two spellings of one setting; keep one",
      });
    }
  }
}

function checkHints(
  raw: Record<string, unknown> | undefined,
  path: PathSegment[],
  errors: SemanticIssue[],
): void {
  if (!raw) return;
  const wd = raw.write_disposition;
  if (isPlainObject(wd) && wd.strategy !== undefined && wd.disposition !== "merge") {
    errors.push({
      path: [...path, "write_disposition", "strategy"],
      message: `strategy "${String(wd.strategy)}" applies to merge only, not ${String(wd.disposition)}`,
      hint: 'use disposition "merge" or remove strategy',
    });
  }
  const steps = raw.processing_steps;
  if (Array.isArray(steps)) {
    steps.forEach((step, i) => {
      if (
        isPlainObject(step) &&
        step.filter === undefined &&
        step.map === undefined &&
        step.yield_map === undefined
      )
        errors.push({
          path: [...path, "processing_steps", i],
          message: "empty processing step",
          hint: "give it filter, map or yield_map",
        });
    });
  }
}

interface ParentRef {
  parent: string;
  path: PathSegment[];
}

/** Checks every placeholder of an endpoint and returns the parents it refers to. */
function checkPlaceholders(
  endpoint: EndpointConfig,
  at: PathSegment[],
  pathAt: PathSegment[],
  names: string[],
  errors: SemanticIssue[],
): ParentRef[] {
  const refs: ParentRef[] = [];
  const resolveParams = new Set<string>();
  const params = isPlainObject(endpoint.params) ? endpoint.params : {};
  for (const [key, value] of Object.entries(params)) {
    if (isPlainObject(value) && value.type === "resolve") {
      resolveParams.add(key);
      const parent = String(value.resource);
      const path = [...at, "params", key, "resource"];
      if (!names.includes(parent)) errors.push(unknownParent(parent, path, names));
      refs.push({ parent, path });
    }
  }

  const places: [string, PathSegment[], boolean][] = [];
  if (typeof endpoint.path === "string") places.push([endpoint.path, pathAt, true]);
  // Header names are not scanned: braces in one are refused as an invalid name, a clearer message.
  for (const key of ["params", "json", "data", "headers"] as const)
    for (const [s, p] of stringsIn(endpoint[key] ?? {}, [...at, key], key !== "headers"))
      places.push([s, p, false]);

  for (const [text, path, isPath] of places) {
    for (const { expression } of placeholdersIn(text)) {
      const dot = expression.indexOf(".");
      const namespace = dot < 0 ? expression : expression.slice(0, dot);
      if (namespace === "resources") {
        const [, parent, ...field] = expression.split(".");
        if (!parent || field.length === 0 || field.some((f) => f === "")) {
          errors.push({
            path,
            message: `placeholder {${expression}} needs a parent and a field`,
            hint: "write {resources.<parent>.<field>}, e.g. {resources.issues.id}",
            value: text,
          });
          continue;
        }
        if (!names.includes(parent)) errors.push(unknownParent(parent, path, names, text));
        refs.push({ parent, path });
      } else if (namespace === "incremental") {
        const field = expression.slice(dot + 1);
        if (dot < 0 || !(INCREMENTAL_FIELDS as readonly string[]).includes(field)) {
          errors.push({
            path,
            message: `unknown placeholder {${expression}}`,
            hint: suggestionHint(field, INCREMENTAL_FIELDS.map(String)).replace(
              /"([a-z_]+)"/,
              '"incremental.$1"',
            ),
            value: text,
          });
        }
      } else if (!isPath || dot >= 0) {
        // As dlt: outside a path every `{…}` is a placeholder, and in a path a dotted one is; literal
        // braces are written `{{` and `}}`.
        errors.push({
          path,
          message: `unknown placeholder {${expression}}`,
          hint: unknownPlaceholderHint(expression, names),
          value: text,
        });
      } else if (isPath && !resolveParams.has(expression) && !isPathParam(params[expression])) {
        errors.push({
          path,
          message: `placeholder {${expression}} in the path has no value`,
          hint: `use {resources.<parent>.<field>}, or a param "${expression}" of type resolve; write {{ and }} for literal braces`,
          value: text,
        });
      }
    }
  }
  return refs;
}

/** The nearest valid placeholder: a misspelled namespace, or a known resource under another one. */
function unknownPlaceholderHint(expression: string, names: string[]): string {
  const parts = expression.split(".");
  const rest = parts.slice(1).join(".");
  const near = parts.length > 1 ? closest(parts[0] ?? "", NAMESPACES) : undefined;
  if (near !== undefined) return `did you mean {${near}.${rest}}?`;
  if (parts.length > 2 && names.includes(parts[1] ?? "")) return `did you mean {resources.${rest}}?`;
  if (parts.length > 1 && names.includes(parts[0] ?? "")) return `did you mean {resources.${expression}}?`;
  return `placeholders are {resources.<parent>.<field>} and {incremental.start_value}; write {{${expression}}} for literal braces`;
}

/** dlt binds a plain (non-object) param named in the path into the path and drops it from the query. */
function isPathParam(value: unknown): boolean {
  return value !== undefined && !isPlainObject(value) && !Array.isArray(value);
}

function unknownParent(parent: string, path: PathSegment[], names: string[], value?: string): SemanticIssue {
  return {
    path,
    message: `unknown parent resource "${parent}"`,
    hint: names.length > 0 ? suggestionHint(parent, names, "resources") : "define the parent resource",
    ...(value === undefined ? { value: parent } : { value }),
  };
}

function incrementalUses(
  endpoint: EndpointConfig,
  at: PathSegment[],
  pathAt: PathSegment[],
): PathSegment[][] {
  const uses: PathSegment[][] = [];
  const scan = (value: unknown, path: PathSegment[]) => {
    for (const [s, p] of stringsIn(value, path))
      if (placeholdersIn(s).some((ph) => ph.expression.startsWith("incremental."))) uses.push(p);
  };
  if (typeof endpoint.path === "string") scan(endpoint.path, pathAt);
  scan(endpoint.params ?? {}, [...at, "params"]);
  scan(endpoint.json ?? {}, [...at, "json"]);
  scan(endpoint.headers ?? {}, [...at, "headers"]);
  return uses;
}
