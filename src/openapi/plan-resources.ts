import { type AuthGuess, detectAuth } from "./detect-auth.js";
import { columnHints, detectIncremental, detectPrimaryKey } from "./detect-fields.js";
import { type Confidence, detectPaginator } from "./detect-paginator.js";
import { type RecordsShape, recordsShape } from "./detect-records.js";
import { properties, type Schema, typeOf } from "./json-schema.js";
import type { ApiModel, Operation } from "./spec-model.js";

export interface Selection {
  tags?: readonly string[];
  /** Path patterns: a plain path matches itself, `*` any text within a segment, `**` anything below. */
  paths?: readonly string[];
}

/** One generated resource, with what was detected and how sure each part is. */
export interface PlannedResource {
  name: string;
  operation: Operation;
  shape: RecordsShape;
  resource: Record<string, unknown>;
  notes: string[];
  confidence: Confidence;
  parent?: string;
}

export interface Plan {
  title: string;
  baseUrl?: string;
  auth: AuthGuess;
  resources: PlannedResource[];
  /** List endpoints not selected (listed, commented out), and GETs that return no list. */
  skipped: { operation: Operation; why: string }[];
}

/**
 * Turns the spec into resources: one per list-returning GET (selected by tag or path), each with its
 * records selector, paginator, key, incremental cursor, column hints and, for a path with parameters,
 * the parent resource whose records fill them.
 */
export function planResources(model: ApiModel, selection: Selection = {}): Plan {
  const lists: { op: Operation; shape: RecordsShape }[] = [];
  const skipped: Plan["skipped"] = [];
  for (const op of model.operations) {
    if (op.method !== "GET") continue;
    const shape = recordsShape(op.response, lastSegment(op.path));
    if (shape === undefined) {
      if (!/\{[^}]+\}$/.test(op.path))
        skipped.push({ operation: op, why: "its response is not a list of objects" });
      continue;
    }
    lists.push({ op, shape });
  }
  const selected = lists.filter(({ op }) => isSelected(op, selection));
  for (const { op } of lists)
    if (!selected.some((s) => s.op === op))
      skipped.push({ operation: op, why: "not selected (--tags/--paths)" });
  const names = uniqueNames(selected.map(({ op }) => op.path));
  const byPath = new Map(selected.map(({ op }, i) => [op.path, names[i] as string]));
  // Parents bound so far: a later resource may not take one of its own descendants as its parent.
  const parents = new Map<string, string>();
  const resources = selected.map(({ op, shape }, i) => {
    const r = planOne(op, shape, names[i] as string, selected, byPath, parents);
    if (r.parent !== undefined) parents.set(r.name, r.parent);
    return r;
  });
  const used = new Set(selected.flatMap(({ op }) => op.security));
  return {
    title: model.title,
    ...(model.baseUrl === undefined ? {} : { baseUrl: model.baseUrl }),
    auth: detectAuth(model.securitySchemes, used, model.baseUrl),
    resources,
    skipped,
  };
}

function planOne(
  op: Operation,
  shape: RecordsShape,
  name: string,
  lists: readonly { op: Operation; shape: RecordsShape }[],
  byPath: ReadonlyMap<string, string>,
  parents: ReadonlyMap<string, string>,
): PlannedResource {
  const notes: string[] = [];
  let confidence: Confidence = "high";
  const lower = (c: Confidence) => {
    if (c === "low" || (c === "medium" && confidence === "high")) confidence = c;
  };
  notes.push(
    shape.selector === "$"
      ? "records: the response body is the list"
      : `records: data_selector ${shape.selector} (the array of objects in the response)`,
  );
  const pag = detectPaginator(op.params, shape, op.responseHeaders);
  notes.push(`paginator ${String(pag.paginator["type"])} (${pag.confidence}): ${pag.why}`);
  lower(pag.confidence);
  const singular = singularOf(name);
  const pk = detectPrimaryKey(shape.items, singular);
  if (pk !== undefined) {
    notes.push(`primary_key ${pk.key} (${pk.confidence})`);
    lower(pk.confidence);
  } else notes.push("no primary key found: append, no deduplication");
  const inc = detectIncremental(op.params, shape.items);
  if (inc !== undefined) notes.push(`incremental: ${inc.why}`);
  const required = op.params.filter(
    (p) => p.in === "query" && p.required && !Object.hasOwn(pag.params, p.name),
  );
  const params: Record<string, unknown> = { ...pag.params };
  for (const p of required) {
    params[p.name] = `\${env.${envName(p.name)}}`;
    notes.push(`required query parameter ${p.name}: set ${envName(p.name)} (or edit the value)`);
    lower("medium");
  }
  let path = op.path.replace(/^\//, "");
  let parent: string | undefined;
  const pathParams = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  if (pathParams.length > 0) {
    const bound = bindParent(op, name, pathParams, lists, byPath, parents);
    if (bound !== undefined) {
      parent = bound.parent;
      for (const [param, field] of Object.entries(bound.fields))
        path = path.replace(`{${param}}`, `{resources.${bound.parent}.${field}}`);
      notes.push(
        `child of ${bound.parent}: ${Object.entries(bound.fields)
          .map(([p, f]) => `{${p}} ← ${f}`)
          .join(", ")}`,
      );
    }
    for (const param of pathParams.filter((p) => bound?.fields[p] === undefined)) {
      path = path.replace(`{${param}}`, `\${env.${envName(param)}}`);
      notes.push(`path parameter {${param}}: no parent resource provides it; set ${envName(param)}`);
      lower("low");
    }
  }
  const endpoint: Record<string, unknown> = {
    path,
    ...(shape.selector === "$" ? {} : { data_selector: shape.selector }),
    paginator: pag.paginator,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    ...(inc === undefined ? {} : { incremental: inc.incremental }),
  };
  const columns = columnHints(shape.items);
  const resource: Record<string, unknown> = {
    name,
    ...(pk === undefined ? {} : { primary_key: pk.key, write_disposition: "merge" }),
    endpoint,
    ...(Object.keys(columns).length > 0 ? { columns } : {}),
  };
  return {
    name,
    operation: op,
    shape,
    resource,
    notes,
    confidence,
    ...(parent === undefined ? {} : { parent }),
  };
}

/**
 * The resource whose records fill a path's parameters: the list one level up (`/users` for
 * `/users/{user_id}/posts`), else any other list whose records carry every parameter.
 */
function bindParent(
  child: Operation,
  childName: string,
  params: readonly string[],
  lists: readonly { op: Operation; shape: RecordsShape }[],
  byPath: ReadonlyMap<string, string>,
  parents: ReadonlyMap<string, string>,
): { parent: string; fields: Record<string, string> } | undefined {
  const descends = (name: string): boolean => {
    for (
      let at: string | undefined = name, hops = 0;
      at !== undefined && hops < 64;
      at = parents.get(at), hops++
    )
      if (at === childName) return true;
    return false;
  };
  const path = child.path;
  const last = params.at(-1) as string;
  const upPath = path.slice(0, path.indexOf(`/{${last}}`));
  // The list one level up first, then lists without parameters of their own, then any other.
  const others = lists.filter(({ op }) => op.path !== upPath && op.path !== path);
  const candidates = [
    ...lists.filter(({ op }) => op.path === upPath),
    ...others.filter(({ op }) => !op.path.includes("{")),
    ...others.filter(({ op }) => op.path.includes("{")),
  ];
  for (const { op, shape } of candidates) {
    const name = byPath.get(op.path);
    if (name === undefined || descends(name)) continue;
    const fields: Record<string, string> = {};
    const ownParams = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
    for (const p of params) {
      // The parent's own path parameters reach the child through the parent's records only if they hold them.
      const field = fieldFor(p, paramSchemaType(child, p), shape.items, singularOf(name));
      if (field !== undefined) fields[p] = field;
      else if (!ownParams.includes(p) || op.path !== upPath) break;
    }
    if (fields[last] !== undefined) return { parent: name, fields };
  }
  return undefined;
}

function paramSchemaType(op: Operation, name: string): string | undefined {
  return typeOf(op.params.find((p) => p.in === "path" && p.name === name)?.schema);
}

/**
 * The parent record's field a path parameter takes: the same name, `user_id` → `id`, `{owner}` →
 * `owner.login`, `{repo}` of a repo → its `name` (an integer parameter: its `id`).
 */
function fieldFor(
  param: string,
  type: string | undefined,
  items: Schema,
  parentSingular: string,
): string | undefined {
  const props = properties(items);
  if (props[param] !== undefined && typeOf(props[param]) !== "object") return param;
  const stripped = param
    .replace(new RegExp(`^${parentSingular}[_-]?`, "i"), "")
    .replace(/^./, (c) => c.toLowerCase());
  if (stripped !== param && stripped !== "" && props[stripped] !== undefined) return stripped;
  if (param.toLowerCase() === parentSingular.toLowerCase() || /^(id|identifier)$/i.test(param)) {
    // A text parameter names the record by its id when the id is text too (Stripe's `cus_…`), else by
    // its name (GitHub's `{repo}`, whose id is a number).
    const textId = typeOf(props["id"]) === "string";
    const order =
      type === "integer" || /^id/i.test(param) || textId
        ? ["id", "number", "key", "name"]
        : ["name", "slug", "login", "key", "id"];
    for (const f of order) if (props[f] !== undefined) return f;
  }
  const nested = props[param];
  if (nested !== undefined && typeOf(nested) === "object") {
    const inner = properties(nested);
    for (const f of ["login", "id", "name", "slug", "key"])
      if (inner[f] !== undefined) return `${param}.${f}`;
  }
  return undefined;
}

function isSelected(op: Operation, s: Selection): boolean {
  const byTag = s.tags === undefined || s.tags.length === 0 || op.tags.some((t) => s.tags?.includes(t));
  const byPath =
    s.paths === undefined || s.paths.length === 0 || s.paths.some((p) => pathMatches(p, op.path));
  return byTag && byPath;
}

function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.startsWith("/") ? pattern : `/${pattern}`;
  if (!p.includes("*")) return path === p;
  const re = new RegExp(
    `^${p
      .split("**")
      .map((part) => part.split("*").map(escapeRe).join("[^/]*"))
      .join(".*")}$`,
  );
  return re.test(path);
}

function escapeRe(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function lastSegment(path: string): string {
  const segs = path.split("/").filter((s) => s !== "" && !s.startsWith("{"));
  return segs.at(-1) ?? "items";
}

/** Names from paths: the last segment, snake_case; on a clash, with the segment before it. */
function uniqueNames(paths: readonly string[]): string[] {
  const segs = paths.map((p) =>
    p
      .split("/")
      .filter((s) => s !== "" && !s.startsWith("{"))
      .map(snake),
  );
  const out = segs.map((s) => s.at(-1) || "items");
  for (let depth = 2; depth <= 6; depth++) {
    const counts = new Map<string, number>();
    for (const n of out) counts.set(n, (counts.get(n) ?? 0) + 1);
    let clash = false;
    out.forEach((n, i) => {
      if ((counts.get(n) ?? 0) > 1) {
        clash = true;
        out[i] = (segs[i] ?? []).slice(-depth).join("_") || n;
      }
    });
    if (!clash) break;
  }
  const seen = new Map<string, number>();
  return out.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k === 0 ? n : `${n}_${k + 1}`;
  });
}

function snake(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

function singularOf(name: string): string {
  const last = name.split("_").at(-1) ?? name;
  if (last.endsWith("ies")) return `${last.slice(0, -3)}y`;
  if (last.endsWith("ses")) return last.slice(0, -2);
  if (last.endsWith("s") && !last.endsWith("ss")) return last.slice(0, -1);
  return last;
}

function envName(param: string): string {
  return snake(param).toUpperCase() || "PARAM";
}
