/**
 * The placeholder language of dlt's rest_api configs, read in one place: the config checks, validate's
 * notes and the request templates all parse a string with `parseTemplate`, so what a check accepts is
 * exactly what a request fills.
 */

/**
 * The `{incremental.<field>}` placeholders dlt fills (rest_api's `convert_incremental_values` and the
 * `Incremental` object's attributes).
 */
export const INCREMENTAL_PLACEHOLDER_FIELDS = [
  "start_value",
  "end_value",
  "last_value",
  "initial_value",
  "lag",
] as const;

export type IncrementalPlaceholderField = (typeof INCREMENTAL_PLACEHOLDER_FIELDS)[number];

const INCREMENTAL_FIELDS = new Set<string>(INCREMENTAL_PLACEHOLDER_FIELDS);

/** `{resources.<parent>.<field>}`: a field (dotted path) of the parent record. */
export interface ResourceRef {
  kind: "resource";
  resource: string;
  field: string;
}

/** `{incremental.start_value}` and friends. */
export interface IncrementalRef {
  kind: "incremental";
  field: IncrementalPlaceholderField;
}

/** dlt's older `{name}` placeholder, bound to the endpoint param `name`. Only read in a path. */
export interface NameRef {
  kind: "name";
  name: string;
}

export type PlaceholderRef = ResourceRef | IncrementalRef | NameRef;

/** A parsed template: literal text and placeholders, in order. */
export type Template = Array<string | PlaceholderRef>;

/** In an endpoint path a bare `{name}` is a placeholder (dlt's older form); elsewhere it is not. */
export type TemplateMode = "path" | "value";

/** One `{…}` of a config string, as the checks see it. */
export type BracedText =
  | { kind: "placeholder"; expression: string; ref: PlaceholderRef }
  /** `{resources…}` without both a parent and a field. */
  | { kind: "bad_resource_ref"; expression: string }
  /** `{incremental…}` naming no field dlt fills; `field` is what follows the dot. */
  | { kind: "unknown_incremental_field"; expression: string; field: string }
  /**
   * Braces that are no placeholder and stay literal text. `sluiceReference`: written `${…}`, sluice's
   * own `${secrets.x}` / `${env.X}` syntax, which is resolved before any placeholder is filled.
   */
  | { kind: "not_a_placeholder"; expression: string; sluiceReference: boolean }
  /** A `{resources.` or `{incremental.` that no `}` closes. */
  | { kind: "unclosed" };

export interface ParsedTemplate {
  template: Template;
  /** Every `{…}` of the text, placeholder or not, in order: what the config checks judge. */
  braces: BracedText[];
}

const PATH_NAME = /^[A-Za-z_][\w-]*$/;
const OPENS_PLACEHOLDER = /^\s*(resources|incremental)\./;

/**
 * Parses a `str.format`-style template as dlt writes them: `{resources.…}` and `{incremental.…}` are
 * placeholders, `{{` and `}}` literal braces, and in a path a bare `{name}` binds the param `name`.
 * Braces that form no placeholder (a GraphQL query in a JSON body) stay literal text in the template;
 * `braces` lists them for the checks, which refuse them where dlt would. A malformed placeholder is left
 * out of the template.
 */
export function parseTemplate(text: string, mode: TemplateMode = "value"): ParsedTemplate {
  const template: Template = [];
  const braces: BracedText[] = [];
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
      if (close < 0) {
        if (OPENS_PLACEHOLDER.test(text.slice(i + 1))) braces.push({ kind: "unclosed" });
      } else if (open < 0 || close < open) {
        const found = classify(text.slice(i + 1, close).trim(), mode, text[i - 1] === "$");
        braces.push(found);
        // Text braces are read on from the next character, so a `}}` right after them is an escape.
        if (found.kind !== "not_a_placeholder") {
          if (literal) template.push(literal);
          literal = "";
          if (found.kind === "placeholder") template.push(found.ref);
          i = close + 1;
          continue;
        }
      }
    }
    literal += ch;
    i += 1;
  }
  if (literal) template.push(literal);
  return { template, braces };
}

/** The namespace is what comes before the first dot: `{resources}` is a malformed reference, not a name. */
function classify(expression: string, mode: TemplateMode, afterDollar: boolean): BracedText {
  const dot = expression.indexOf(".");
  const namespace = dot < 0 ? expression : expression.slice(0, dot);
  if (namespace === "resources") {
    const [, resource, ...field] = expression.split(".");
    if (!resource || field.length === 0 || field.some((f) => f === ""))
      return { kind: "bad_resource_ref", expression };
    return { kind: "placeholder", expression, ref: { kind: "resource", resource, field: field.join(".") } };
  }
  if (namespace === "incremental") {
    const field = dot < 0 ? "" : expression.slice(dot + 1);
    if (!INCREMENTAL_FIELDS.has(field)) return { kind: "unknown_incremental_field", expression, field };
    const ref: IncrementalRef = { kind: "incremental", field: field as IncrementalPlaceholderField };
    return { kind: "placeholder", expression, ref };
  }
  if (mode === "path" && PATH_NAME.test(expression))
    return { kind: "placeholder", expression, ref: { kind: "name", name: expression } };
  return { kind: "not_a_placeholder", expression, sluiceReference: afterDollar };
}

export function templateRefs(t: Template): PlaceholderRef[] {
  return t.filter((s): s is PlaceholderRef => typeof s !== "string");
}
