import {
  INCREMENTAL_PLACEHOLDER_FIELDS,
  type IncrementalPlaceholderField,
} from "../../config/placeholder-names.js";
import type { ConfigIssue } from "../../core/errors.js";
import type { DataRecord } from "../../core/json.js";
import { recordToJson } from "../../core/record-json.js";

/** `{resources.<parent>.<field>}`: a field (dotted path) of the parent record. */
export interface ResourceRef {
  kind: "resource";
  resource: string;
  field: string;
}

export type IncrementalField = IncrementalPlaceholderField;

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

const INCREMENTAL_FIELDS = new Set<string>(INCREMENTAL_PLACEHOLDER_FIELDS);

/**
 * Parses a `str.format`-style template as dlt writes them: `{resources.…}` and `{incremental.…}` are
 * placeholders, `{{` and `}}` literal braces, and in a path a bare `{name}` binds the param `name` (dlt's
 * older form). Braces that form no placeholder (a GraphQL query in a JSON body) stay literal text, where dlt
 * would reject the config. Malformed placeholders are pushed to `issues` at `path`.
 */
export function parseTemplate(
  text: string,
  path: string,
  issues: ConfigIssue[],
  mode: "path" | "value" = "value",
): Template {
  const out: Template = [];
  let literal = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      literal += ch;
      i += 2;
      continue;
    }
    if (ch === "{") {
      const close = text.indexOf("}", i + 1);
      const open = text.indexOf("{", i + 1);
      if (close < 0 && /^\s*(resources|incremental)\./.test(text.slice(i + 1)))
        issues.push({
          path,
          message: `unclosed placeholder in ${JSON.stringify(text)}`,
          hint: 'close it with "}"; write "{{" for a literal brace',
        });
      if (close >= 0 && (open < 0 || close < open)) {
        const ref = parseRef(text.slice(i + 1, close).trim(), text, path, issues, mode);
        if (ref !== "literal") {
          if (literal) out.push(literal);
          literal = "";
          if (ref) out.push(ref);
          i = close + 1;
          continue;
        }
      }
    }
    literal += ch;
    i += 1;
  }
  if (literal) out.push(literal);
  return out;
}

/** A placeholder, `undefined` for a malformed one (reported), or "literal" for braces that are just text. */
function parseRef(
  expr: string,
  text: string,
  path: string,
  issues: ConfigIssue[],
  mode: "path" | "value",
): PlaceholderRef | undefined | "literal" {
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
        hint: `allowed: ${INCREMENTAL_PLACEHOLDER_FIELDS.map((f) => `{incremental.${f}}`).join(", ")}`,
      });
      return undefined;
    }
    return { kind: "incremental", field: field as IncrementalField };
  }
  if (mode === "path" && /^[A-Za-z_][\w-]*$/.test(expr)) return { kind: "name", name: expr };
  return "literal";
}

export function templateRefs(t: Template): PlaceholderRef[] {
  return t.filter((s): s is PlaceholderRef => typeof s !== "string");
}

/** Values placeholders resolve to for one request. */
export interface PlaceholderValues {
  /** The parent record, when the resource is a child. */
  parent?: { name: string; record: DataRecord };
  incremental?: Partial<Record<IncrementalField, unknown>>;
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
  // Legacy `{name}` refs are bound to params when the endpoint is compiled; none reach a request.
  if (ref.kind === "name") throw new PlaceholderMissing(ref, []);
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
  // Digits of integers beyond 2^53 (bigint from the JSON parser) are kept, also inside objects.
  if (typeof value === "object") return recordToJson(value);
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
