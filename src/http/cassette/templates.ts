import { isPlainObject } from "../../core/json.js";

/**
 * The template rule: a request value that varies from run to run becomes a named template, in the
 * cassette and in the request compared with it, so a replay matches whatever the value is this time.
 * - A declared variable (an incremental start or end value, named by the source) becomes `{{<name>}}`
 *   wherever its value appears: a whole query value, inside one (`updated>2024-01-01`), in a JSON body,
 *   in the path. Inside a longer string only from 4 characters on: a start value of `0` must not eat
 *   every zero of a URL.
 * - A query value that is a date-time (ISO 8601 with a time of day, or `now`-based) becomes
 *   `{{var:<param>}}`: timestamps computed at run time that the source did not declare.
 */

type Variables = Readonly<Record<string, string>> | undefined;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const MIN_INNER_LENGTH = 4;

/** Longest value first, so a variable whose value contains another's is templated whole. */
function ordered(variables: Variables): Array<[string, string]> {
  if (!variables) return [];
  return Object.entries(variables)
    .filter(([, v]) => v !== "")
    .sort((a, b) => b[1].length - a[1].length);
}

/** `text` with every declared variable's value replaced by its template. */
export function templateText(text: string, variables: Variables): string {
  let out = text;
  for (const [name, value] of ordered(variables)) {
    if (out === value) return `{{${name}}}`;
    if (value.length >= MIN_INNER_LENGTH) out = out.split(value).join(`{{${name}}}`);
  }
  return out;
}

export function templateQuery(
  entries: Array<[string, string]>,
  variables: Variables,
): Array<[string, string]> {
  return entries.map(([k, v]) => {
    const t = templateText(v, variables);
    if (t !== v) return [k, t];
    return [k, ISO_DATE_TIME.test(v) ? `{{var:${k}}}` : v];
  });
}

/** Declared variables in a JSON body: strings as in text, and a number equal to a numeric variable. */
export function templateJson(value: unknown, variables: Variables): unknown {
  if (!variables) return value;
  if (typeof value === "string") return templateText(value, variables);
  if (typeof value === "number" || typeof value === "bigint") {
    const text = String(value);
    for (const [name, v] of ordered(variables)) if (v === text) return `{{${name}}}`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => templateJson(v, variables));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = templateJson(v, variables);
    return out;
  }
  return value;
}
