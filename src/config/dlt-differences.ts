import type { ConfigIssue } from "../core/errors.js";
import { isPlainObject } from "../core/json.js";
import { parseTemplate } from "./placeholders.js";
import { formatPath, type PathSegment } from "./positions.js";
import { writtenPlaces } from "./resource-views.js";
import type { EndpointConfig, RestApiConfig } from "./schema.js";

/**
 * Where this config will behave differently under sluice than under dlt, on purpose: `validate` prints
 * each as a note, so a user porting a config reads it before the first run rather than in the data. One
 * place for the differences a config can trigger; docs/dlt-compatibility.md has the whole list.
 */
export function dltDifferences(config: RestApiConfig): ConfigIssue[] {
  const notes: ConfigIssue[] = [];
  const note = (path: PathSegment[], message: string, hint: string) =>
    notes.push({ path: formatPath(path), message, hint });

  config.resources.forEach((resource, i) => {
    if (typeof resource === "string") return;
    const endpoint = resource.endpoint;
    if (endpoint === undefined || endpoint === null || typeof endpoint === "string") return;
    const at: PathSegment[] = ["resources", i, "endpoint"];
    const child = isChild(endpoint);
    if (child && (resource.parallelized ?? config.resource_defaults?.parallelized) == null) {
      note(
        ["resources", i],
        "sluice reads the children of one parent page in parallel (concurrency.children, default 8); dlt reads them one after another unless parallelized: true",
        "rows load in the same order either way; set parallelized: false if the API cannot take concurrent requests",
      );
    }
    if (endpoint.incremental && child) {
      note(
        [...at, "incremental"],
        "sluice keeps one incremental cursor per parent record; dlt keeps one for the whole resource",
        "each parent resumes from its own last value, so no parent's new records are skipped",
      );
    }
    for (const key of ["params", "data"] as const) {
      const body = endpoint[key];
      if (body === null || typeof body !== "object" || Array.isArray(body)) continue;
      for (const [name, value] of Object.entries(body)) {
        if (typeof value === "boolean") {
          note(
            [...at, key, name],
            `the boolean is sent as "${value}"; dlt (Python requests) sends "${value ? "True" : "False"}"`,
            `write the string "${value ? "True" : "False"}" if the API wants Python's spelling`,
          );
        }
      }
    }
  });
  return notes;
}

/** A child resource: its endpoint reads a parent's fields through a placeholder or a legacy resolve param. */
function isChild(endpoint: EndpointConfig): boolean {
  for (const place of writtenPlaces(endpoint, [], ["path"]))
    for (const braces of parseTemplate(place.text, place.mode).braces)
      if (braces.kind === "placeholder" && braces.ref.kind === "resource") return true;
  const params = endpoint.params;
  return isPlainObject(params) && Object.values(params).some((v) => isPlainObject(v) && v.type === "resolve");
}
