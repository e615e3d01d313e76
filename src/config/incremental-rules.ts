import { isPlainObject } from "../core/json.js";
import type { PathSegment } from "./positions.js";
import type { ResourceView } from "./resource-views.js";
import type { SemanticIssue } from "./semantic-issue.js";

/** dlt's older `{type: incremental}` params of an endpoint, by name. */
function incrementalParams(params: unknown): Array<[string, unknown]> {
  if (!isPlainObject(params)) return [];
  return Object.entries(params).filter(([, v]) => isPlainObject(v) && v.type === "incremental");
}

/** Whether the endpoint a run uses has a cursor: endpoint.incremental or an incremental param. */
export function hasIncremental(r: ResourceView): boolean {
  const endpoint = r.merged.endpoint;
  return Boolean(endpoint.incremental) || incrementalParams(endpoint.params).length > 0;
}

/** A resource has at most one cursor, in either form. */
export function incrementalFormIssues(r: ResourceView, errors: SemanticIssue[]): void {
  const endpoint = r.merged.endpoint;
  const params = incrementalParams(endpoint.params);
  if (endpoint.incremental && params.length > 0) {
    errors.push({
      path: [...r.endpointPath, "incremental"],
      message: `resource "${r.name}" has both endpoint.incremental and an incremental param (${params[0]![0]})`,
      hint: "keep one: endpoint.incremental with a {incremental.start_value} placeholder is the current form",
    });
  }
  if (params.length > 1) {
    errors.push({
      path: [...r.endpointPath, "params"],
      message: `resource "${r.name}" has ${params.length} incremental params`,
      hint: "a resource has one incremental cursor",
    });
  }
}

/** dlt takes only a start from an incremental param; a range needs the endpoint-level block. */
export function incrementalParamIssues(params: unknown, path: PathSegment[], errors: SemanticIssue[]): void {
  for (const [name, value] of incrementalParams(params)) {
    if (!isPlainObject(value)) continue;
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
