import type { ConfigIssue } from "../../core/errors.js";
import type { DataRecord } from "../../core/json.js";

/** `{resources.<parent>.<field>}`: a field (dotted path) of the parent record. */
export interface ResourceRef {
  kind: "resource";
  resource: string;
  field: string;
}

export type IncrementalField = "start_value" | "end_value" | "last_value";

/** `{incremental.start_value}` and friends. */
export interface IncrementalRef {
  kind: "incremental";
  field: IncrementalField;
}

/** dlt's older `{name}` placeholder, bound to the endpoint param `name`. Only meaningful in a path. */
export interface NameRef {
  kind: "name";
  name: string;
}

export type PlaceholderRef = ResourceRef | IncrementalRef | NameRef;

/** A parsed template: literal text and placeholders, in order. */
export type Template = Array<string | PlaceholderRef>;

const INCREMENTAL_FIELDS = new Set<string>(["start_value", "end_value", "last_value"]);

/**
 * Parses a `str.format`-style template as dlt writes them: `{expr}` is a placeholder, `{{` and `}}` are
 * literal braces. Problems are pushed to `issues` at `path`; the returned template is still usable.
 */
export function parseTemplate(text: string, path: string, issues: ConfigIssue[]): Template {
  const out: Template = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "{" && text[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (ch === "}" && text[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (ch === "{") {
      const end = text.indexOf("}", i + 1);
      if (end < 0) {
        issues.push({
          path,
          message: `unclosed "{" in ${JSON.stringify(text)}`,
          hint: 'close the placeholder with "}" or write "{{" for a literal brace',
        });
        literal += text.slice(i);
        break;
      }
      if (literal) out.push(literal);
      literal = "";
      const ref = parseRef(text.slice(i + 1, end).trim(), text, path, issues);
      if (ref) out.push(ref);
      i = end + 1;
    } else if (ch === "}") {
      issues.push({
        path,
        message: `single "}" in ${JSON.stringify(text)}`,
        hint: 'write "}}" for a literal brace',
      });
      literal += "}";
      i += 1;
    } else {
      literal += ch;
      i += 1;
    }
  }
  if (literal) out.push(literal);
  return out;
}

function parseRef(
  expr: string,
  text: string,
  path: string,
  issues: ConfigIssue[],
): PlaceholderRef | undefined {
  if (expr.startsWith("resources.")) {
    const rest = expr.slice("resources.".length);
    const dot = rest.indexOf(".");
    if (dot <= 0 || dot === rest.length - 1) {
      issues.push({
        path,
        message: `placeholder {${expr}} in ${JSON.stringify(text)} is not of the form {resources.<resource>.<field>}`,
        hint: "name the parent resource and the field of its records, e.g. {resources.posts.id}",
      });
      return undefined;
    }
    return { kind: "resource", resource: rest.slice(0, dot), field: rest.slice(dot + 1) };
  }
  if (expr.startsWith("incremental.")) {
    const field = expr.slice("incremental.".length);
    if (!INCREMENTAL_FIELDS.has(field)) {
      issues.push({
        path,
        message: `unknown placeholder {${expr}}`,
        hint: "allowed: {incremental.start_value}, {incremental.end_value}, {incremental.last_value}",
      });
      return undefined;
    }
    return { kind: "incremental", field: field as IncrementalField };
  }
  if (expr === "" || !/^[A-Za-z_][\w-]*$/.test(expr)) {
    issues.push({
      path,
      message: `placeholder {${expr}} in ${JSON.stringify(text)} is not valid`,
      hint: 'placeholders start with "resources." or "incremental."; write "{{" and "}}" for literal braces',
    });
    return undefined;
  }
  return { kind: "name", name: expr };
}

export function templateRefs(t: Template): PlaceholderRef[] {
  return t.filter((s): s is PlaceholderRef => typeof s !== "string");
}

/** Values placeholders resolve to for one request. */
export interface PlaceholderValues {
  /** The parent record, when the resource is a child. */
  parent?: { name: string; record: DataRecord };
  incremental?: Partial<Record<IncrementalField, unknown>>;
  /** Legacy `{name}` values already bound. */
  names?: Record<string, unknown>;
}

/** Why a placeholder could not be filled, for the caller to turn into a named error. */
export class PlaceholderMissing extends Error {
  constructor(
    readonly ref: PlaceholderRef,
    readonly available: string[],
  ) {
    super("placeholder value missing");
  }
}

/** Splits a dotted path (`a.b.0.c`, `a.b[0]`, optional leading `$.`) into keys, once per path. */
export function pathKeys(path: string): string[] {
  return path
    .replace(/^\$\.?/, "")
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((p) => p !== "");
}

/** Reads a dotted path from a record. */
export function readPath(record: unknown, path: string): { found: boolean; value: unknown } {
  return readKeys(record, pathKeys(path));
}

export function readKeys(record: unknown, parts: readonly string[]): { found: boolean; value: unknown } {
  let cur: unknown = record;
  for (const part of parts) {
    if (typeof cur !== "object" || cur === null) return { found: false, value: undefined };
    if (!Object.hasOwn(cur, part)) return { found: false, value: undefined };
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

export function refValue(ref: PlaceholderRef, values: PlaceholderValues): unknown {
  if (ref.kind === "incremental") return values.incremental?.[ref.field];
  if (ref.kind === "name") {
    if (values.names && Object.hasOwn(values.names, ref.name)) return values.names[ref.name];
    throw new PlaceholderMissing(ref, Object.keys(values.names ?? {}));
  }
  const parent = values.parent;
  if (!parent || parent.name !== ref.resource) throw new PlaceholderMissing(ref, []);
  const { found, value } = readPath(parent.record, ref.field);
  if (!found) throw new PlaceholderMissing(ref, Object.keys(parent.record));
  return value;
}

/** Renders a value as text the way JSON spells it (`true`, `null`), strings as they are. */
export function valueText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "null";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Fills a template. In a path each value is URL-encoded; literal text is kept as written. */
export function renderTemplate(t: Template, values: PlaceholderValues, mode: "path" | "text"): string {
  let out = "";
  for (const seg of t) {
    if (typeof seg === "string") out += seg;
    else {
      const text = valueText(refValue(seg, values));
      out += mode === "path" ? encodeURIComponent(text) : text;
    }
  }
  return out;
}

/** A template that is exactly one placeholder, whose value may keep its JSON type. */
export function soleRef(t: Template): PlaceholderRef | undefined {
  return t.length === 1 && typeof t[0] !== "string" ? t[0] : undefined;
}
