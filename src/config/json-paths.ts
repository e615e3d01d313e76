import { isPlainObject } from "../core/json.js";
import { compilePath, JsonPathError, type PathSegment as JsonPathSegment } from "../core/json-path.js";
import type { PathSegment } from "./positions.js";
import type { RestApiConfig } from "./schema.js";
import type { SemanticIssue } from "./semantic-issue.js";

/** Paginator keys read from each response with the JSONPath subset. */
const RESPONSE_PATHS = ["total_path", "next_url_path", "cursor_path", "has_more_path"] as const;
/** Paginator keys naming a place in the JSON request body: keys only. */
const BODY_PATHS = ["offset_body_path", "limit_body_path", "page_body_path", "cursor_body_path"] as const;

/**
 * Compiles every JSONPath of the config with the parser a run uses, so `validate` refuses what `run`
 * would refuse (recursive descent, filters, slices) at the key that holds it, before any request.
 */
export function jsonPathIssues(config: RestApiConfig): SemanticIssue[] {
  const issues: SemanticIssue[] = [];
  checkPaginator(config.client?.paginator, ["client", "paginator"], issues);
  const defaults = config.resource_defaults?.endpoint;
  if (isPlainObject(defaults)) checkEndpoint(defaults, ["resource_defaults", "endpoint"], issues);
  (config.resources ?? []).forEach((r, i) => {
    if (isPlainObject(r) && isPlainObject(r.endpoint))
      checkEndpoint(r.endpoint, ["resources", i, "endpoint"], issues);
  });
  return issues;
}

function checkEndpoint(endpoint: Record<string, unknown>, at: PathSegment[], issues: SemanticIssue[]): void {
  compileAt(endpoint.data_selector, [...at, "data_selector"], issues);
  checkPaginator(endpoint.paginator, [...at, "paginator"], issues);
  if (isPlainObject(endpoint.incremental))
    checkCursorPath(endpoint.incremental.cursor_path, [...at, "incremental", "cursor_path"], issues);
  if (isPlainObject(endpoint.params))
    for (const [name, value] of Object.entries(endpoint.params))
      if (isPlainObject(value) && value.type === "incremental")
        checkCursorPath(value.cursor_path, [...at, "params", name, "cursor_path"], issues);
}

function checkPaginator(paginator: unknown, at: PathSegment[], issues: SemanticIssue[]): void {
  if (!isPlainObject(paginator)) return;
  for (const key of RESPONSE_PATHS) compileAt(paginator[key], [...at, key], issues);
  for (const key of BODY_PATHS) {
    const segments = compileAt(paginator[key], [...at, key], issues);
    if (segments?.some((s) => s.kind !== "key"))
      issues.push({
        path: [...at, key],
        message: `${JSON.stringify(paginator[key])} is not a place in a JSON body: body paths take keys only`,
        hint: "write dotted keys, e.g. query.offset",
      });
  }
}

/** A record's cursor is one value: the dotted keys and `[n]` indexes the incremental reader follows. */
function checkCursorPath(path: unknown, at: PathSegment[], issues: SemanticIssue[]): void {
  const segments = compileAt(path, at, issues);
  if (segments === undefined || typeof path !== "string") return;
  if (segments.some((s) => s.kind === "wildcard") || /\[\s*['"]/.test(path))
    issues.push({
      path: at,
      message: `cursor_path ${JSON.stringify(path)}: wildcards and ['quoted'] keys are not supported in an incremental cursor_path`,
      hint: "name the one field that holds the cursor with dotted keys, e.g. updated_at or meta.updated_at",
    });
}

function compileAt(path: unknown, at: PathSegment[], issues: SemanticIssue[]): JsonPathSegment[] | undefined {
  if (typeof path !== "string") return undefined;
  try {
    return compilePath(path);
  } catch (err) {
    if (!(err instanceof JsonPathError)) throw err;
    issues.push({
      path: at,
      message: err.message,
      hint: `${err.hint ?? ""} sluice reads this JSONPath subset only; a path it cannot read is refused, never guessed.`.trim(),
    });
    return undefined;
  }
}
