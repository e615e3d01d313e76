import { isPlainObject } from "../core/json.js";
import type { Resolved } from "../core/secret-ref.js";
import { incrementalFormIssues, incrementalParamIssues } from "./incremental-rules.js";
import { jsonPathIssues } from "./json-paths.js";
import { defaultsPlaceholderIssues, resourcePlaceholderIssues } from "./placeholder-rules.js";
import type { PathSegment } from "./positions.js";
import { cycleIssues, duplicateNameIssues, parentOf } from "./resource-graph-rules.js";
import { type ResourceView, viewResources } from "./resource-views.js";
import type { EndpointConfig, ResourceDefaults, RestApiConfig } from "./schema.js";
import type { SemanticIssue } from "./semantic-issue.js";

/** RFC 9110 `token`: the characters a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Value of a hint on a resource, falling back to resource_defaults; an explicit null resets the default. */
function hint(r: ResourceView, defaults: ResourceDefaults | undefined, key: string): unknown {
  if (r.raw && Object.hasOwn(r.raw, key)) return (r.raw as Record<string, unknown>)[key];
  return defaults ? (defaults as Record<string, unknown>)[key] : undefined;
}

function defaultsEndpoint(defaults: ResourceDefaults | undefined): EndpointConfig | undefined {
  const e = defaults?.endpoint;
  return typeof e === "object" && e !== null ? e : undefined;
}

/**
 * Every rule across fields of a config, run once by `checkConfig` (and so by `validateConfig` and every
 * source built from a config): a source relies on them and plans its resources without checking again.
 */
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
  duplicateNameIssues(resources, errors);

  // Auth and paginators, wherever they appear.
  checkAuth(config.client.auth, ["client", "auth"], errors);
  errors.push(...headerIssues(config));
  checkPaginator(config.client.paginator, ["client", "paginator"], errors, warnings);
  if (dEndpoint) {
    checkAuth(dEndpoint.auth, ["resource_defaults", "endpoint", "auth"], errors);
    incrementalParamIssues(dEndpoint.params, ["resource_defaults", "endpoint", "params"], errors);
    checkPaginator(dEndpoint.paginator, ["resource_defaults", "endpoint", "paginator"], errors, warnings);
    defaultsPlaceholderIssues(dEndpoint, names, errors);
  }
  checkHints(defaults as Record<string, unknown> | undefined, ["resource_defaults"], errors);

  const parents = new Map<string, string>();
  for (const r of resources) {
    checkAuth(r.endpoint.auth, [...r.endpointPath, "auth"], errors);
    checkPaginator(r.endpoint.paginator, [...r.endpointPath, "paginator"], errors, warnings);
    checkHints(r.raw as Record<string, unknown> | undefined, r.path, errors);
    if (r.raw !== undefined) incrementalParamIssues(r.endpoint.params, [...r.endpointPath, "params"], errors);
    checkBodies(r, errors);
    const refs = resourcePlaceholderIssues(r, names, errors);
    const parent = parentOf(r, refs, names, errors);
    if (parent !== undefined) parents.set(r.name, parent);
    incrementalFormIssues(r, errors);
    checkMergeKeys(r, defaults, errors, warnings);
  }
  cycleIssues(resources, parents, errors);

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

/** dlt's client refuses a request with both a JSON and a form body ("Cannot use both 'json' and 'data'"). */
function checkBodies(r: ResourceView, errors: SemanticIssue[]): void {
  const { json, data } = r.merged.endpoint;
  // Python's truth: an empty body is no body, as in dlt.
  if (!nonEmpty(json) || !nonEmpty(data)) return;
  const ownJson = nonEmpty(r.endpoint.json);
  const ownData = nonEmpty(r.endpoint.data);
  const where = (mine: boolean) => (mine ? "this endpoint" : "resource_defaults.endpoint");
  errors.push({
    path: ownData ? [...r.endpointPath, "data"] : ["resource_defaults", "endpoint", "data"],
    message: `resource "${r.name}" has both json (from ${where(ownJson)}) and data (from ${where(ownData)}); a request has one body`,
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
    });
  }
  if (paginator === "offset") {
    errors.push({
      path,
      message: 'the offset paginator needs a page size; "offset" alone has none',
      hint: 'write {type: "offset", limit: 100}',
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
