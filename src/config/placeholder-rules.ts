import { isPlainObject } from "../core/json.js";
import { closest, suggestionHint } from "../core/suggest.js";
import { hasIncremental } from "./incremental-rules.js";
import { type BracedText, INCREMENTAL_PLACEHOLDER_FIELDS, parseTemplate } from "./placeholders.js";
import type { PathSegment } from "./positions.js";
import {
  DEFAULTS_ENDPOINT,
  mergedPlaces,
  type ResourceView,
  type TemplatePlace,
  writtenAt,
  writtenPlaces,
} from "./resource-views.js";
import type { EndpointConfig } from "./schema.js";
import type { SemanticIssue } from "./semantic-issue.js";

const NAMESPACES = ["resources", "incremental"];

/** A parent a resource reads fields of, and where the reference is written. */
export interface ParentRef {
  parent: string;
  at: PathSegment[];
}

/** The placeholders of resource_defaults.endpoint, judged once where they are written. */
export function defaultsPlaceholderIssues(
  defaults: EndpointConfig,
  names: readonly string[],
  errors: SemanticIssue[],
): void {
  for (const place of writtenPlaces(defaults, DEFAULTS_ENDPOINT, [...DEFAULTS_ENDPOINT, "path"]))
    for (const braces of parseTemplate(place.text, place.mode).braces) {
      const issue = bracesIssue(braces, place, names);
      if (issue) errors.push(issue);
    }
}

/**
 * The placeholders of the endpoint a resource runs with: each brace of its own strings, and what needs
 * the rest of the endpoint (defaults included): parents exist, a path `{name}` has a param, a resolve
 * param is used, `{incremental.…}` has a cursor. Returns the parents the resource refers to.
 */
export function resourcePlaceholderIssues(
  r: ResourceView,
  names: readonly string[],
  errors: SemanticIssue[],
): ParentRef[] {
  const endpoint = r.merged.endpoint;
  const params = isPlainObject(endpoint.params) ? endpoint.params : {};
  const refs: ParentRef[] = [];
  const resolveParams = new Map<string, PathSegment[]>();
  for (const [key, value] of Object.entries(params)) {
    if (!isPlainObject(value) || value.type !== "resolve") continue;
    const at = writtenAt(r, "params", key);
    resolveParams.set(key, at);
    const parent = String(value.resource);
    const refAt = [...at, "resource"];
    if (!names.includes(parent)) errors.push(unknownParent(r.name, parent, refAt, names));
    refs.push({ parent, at: refAt });
  }

  const cursor = hasIncremental(r);
  const boundNames = new Set<string>();
  for (const place of mergedPlaces(r)) {
    let usesIncremental = false;
    for (const braces of parseTemplate(place.text, place.mode).braces) {
      if (!place.inherited) {
        const issue = bracesIssue(braces, place, names);
        if (issue) errors.push(issue);
      }
      if (braces.kind === "unclosed") continue;
      if (braces.expression.startsWith("incremental.")) usesIncremental = true;
      const ref = braces.kind === "placeholder" ? braces.ref : undefined;
      if (ref?.kind === "resource") {
        if (!names.includes(ref.resource)) errors.push(unknownParent(r.name, ref.resource, place.at, names));
        refs.push({ parent: ref.resource, at: place.at });
      }
      const name = pathName(braces, place);
      if (name === undefined) continue;
      if (ref?.kind === "name") boundNames.add(name);
      const value = Object.hasOwn(params, name) ? params[name] : undefined;
      if (!resolveParams.has(name) && !isPathParam(value))
        errors.push({
          path: place.at,
          message: `placeholder {${name}} in the path has no value`,
          hint: `use {resources.<parent>.<field>}, or a param "${name}" of type resolve; write {{ and }} for literal braces`,
        });
    }
    if (usesIncremental && !cursor)
      errors.push({
        path: place.at,
        message: `placeholder {incremental.…} used but resource "${r.name}" has no incremental`,
        hint: "add endpoint.incremental: {cursor_path: ..., initial_value: ...}",
      });
  }

  const path = typeof endpoint.path === "string" ? endpoint.path : r.name;
  for (const [name, at] of resolveParams)
    if (!boundNames.has(name))
      errors.push({
        path: at,
        message: `resolve param "${name}" is not used in the path ${JSON.stringify(path)}`,
        hint: `put {${name}} in the path, or write the param as "{resources.<parent>.<field>}"`,
      });
  return refs;
}

/** What is wrong with one `{…}` wherever it is used: judged once, where it is written. */
function bracesIssue(
  braces: BracedText,
  place: TemplatePlace,
  names: readonly string[],
): SemanticIssue | undefined {
  if (braces.kind !== "not_a_placeholder") return malformedPlaceholderIssue(braces, place);
  // As dlt: outside a path every `{…}` is a placeholder, and in a path a dotted one is; literal braces
  // are written `{{` and `}}`. An undotted one in a path is a param name, judged per resource.
  if (braces.sluiceReference || pathName(braces, place) !== undefined) return undefined;
  return {
    path: place.at,
    message: `unknown placeholder {${braces.expression}}`,
    hint: unknownPlaceholderHint(braces.expression, names),
  };
}

/** A placeholder written wrong: unclosed, a resource reference without a field, an unknown incremental field. */
export function malformedPlaceholderIssue(
  braces: BracedText,
  place: TemplatePlace,
): SemanticIssue | undefined {
  const { text, at } = place;
  switch (braces.kind) {
    case "unclosed":
      return {
        path: at,
        message: `unclosed placeholder in ${JSON.stringify(text)}`,
        hint: 'close it with "}"; write "{{" for a literal brace',
      };
    case "bad_resource_ref":
      return {
        path: at,
        message: `placeholder {${braces.expression}} in ${JSON.stringify(text)} is not of the form {resources.<resource>.<field>}`,
        hint: "name the parent resource and the field of its records, e.g. {resources.posts.id}",
      };
    case "unknown_incremental_field":
      return {
        path: at,
        message: `unknown placeholder {${braces.expression}}`,
        hint: incrementalFieldHint(braces.field),
      };
    default:
      return undefined;
  }
}

/** The param a path brace names: dlt's `{name}`, or any other undotted braces in a path. */
function pathName(braces: BracedText, place: TemplatePlace): string | undefined {
  if (place.mode !== "path") return undefined;
  if (braces.kind === "placeholder") return braces.ref.kind === "name" ? braces.ref.name : undefined;
  if (braces.kind === "not_a_placeholder" && !braces.sluiceReference && !braces.expression.includes("."))
    return braces.expression;
  return undefined;
}

function incrementalFieldHint(field: string): string {
  const near = closest(field, INCREMENTAL_PLACEHOLDER_FIELDS);
  if (near !== undefined) return `did you mean "incremental.${near}"?`;
  return `allowed: ${INCREMENTAL_PLACEHOLDER_FIELDS.map((f) => `{incremental.${f}}`).join(", ")}`;
}

/** The nearest valid placeholder: a misspelled namespace, or a known resource under another one. */
function unknownPlaceholderHint(expression: string, names: readonly string[]): string {
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

function unknownParent(
  resource: string,
  parent: string,
  path: PathSegment[],
  names: readonly string[],
): SemanticIssue {
  return {
    path,
    message: `resource "${resource}" refers to unknown parent resource "${parent}"`,
    hint: suggestionHint(parent, names, "resources"),
  };
}
