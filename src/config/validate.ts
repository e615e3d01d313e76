import type { z } from "zod";
import { ConfigError, type ConfigIssue } from "../core/errors.js";
import { isPlainObject } from "../core/json.js";
import { redact, SENSITIVE_NAME } from "../core/redact.js";
import { isSecretRef } from "../core/secret-ref.js";
import { suggestionHint } from "../core/suggest.js";
import { UNKNOWN_KEYS_MARK } from "../http/options-schema.js";
import { formatPath, type PathSegment, type SourcePositions } from "./positions.js";
import { type RestApiConfig, restApiConfigSchema } from "./schema.js";
import { semanticIssues } from "./semantic.js";
import { DLT_SPELLINGS } from "./suggest.js";

export interface ValidateOptions {
  /** File the config came from, named in every issue. */
  file?: string;
  /** Where each path sits in the file, from `loadConfigFile`; gives issues a line and column. */
  positions?: SourcePositions;
  /** Called with each warning (e.g. merge without a key); the config is still valid. */
  onWarning?: (issue: ConfigIssue) => void;
}

export interface CheckResult {
  /** The validated config, when there are no errors. A copy: the input is never modified. */
  config?: RestApiConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/**
 * Configs `checkConfig` accepted, with their serialized form at that moment. A config the CLI checked is
 * not checked again when the source is built from it (the rules run once, their warnings are reported
 * once), unless it was changed in between: the returned copy is the caller's to modify.
 */
const accepted = new WeakMap<object, string>();

function snapshot(config: object): string {
  return JSON.stringify(config);
}

/** Validates without throwing: every error and warning at once, each with its path, position and fix. */
export function checkConfig(input: unknown, options: ValidateOptions = {}): CheckResult {
  const parsed = restApiConfigSchema.safeParse(input);
  const locate = locator(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((issue) => explain(issue, [], input));
    const all = inInputOrder([...issues, ...salvagedSemantics(input, issues)], input);
    return { errors: dedupe(all.map(locate)), warnings: [] };
  }
  const config = clonePlain(parsed.data) as RestApiConfig;
  const semantic = semanticIssues(config);
  const toIssue = (s: (typeof semantic.errors)[number]): Located => ({
    path: s.path,
    message: s.message,
    ...(s.hint === undefined ? {} : { hint: s.hint }),
  });
  const errors = inInputOrder(semantic.errors.map(toIssue), input).map(locate);
  const warnings = inInputOrder(semantic.warnings.map(toIssue), input).map(locate);
  if (errors.length > 0) return { errors, warnings };
  accepted.set(config, snapshot(config));
  return { config, errors, warnings };
}

/**
 * Validates a config (from a file or a TypeScript object) and returns a checked copy. Throws one
 * `ConfigError` listing every problem, before any request is made.
 */
export function validateConfig(input: unknown, options: ValidateOptions = {}): RestApiConfig {
  if (typeof input === "object" && input !== null && accepted.get(input) === snapshot(input))
    return input as RestApiConfig;
  const result = checkConfig(input, options);
  for (const w of result.warnings) options.onWarning?.(w);
  if (!result.config) {
    const where = options.file ? ` in ${options.file}` : "";
    const n = result.errors.length;
    throw new ConfigError(result.errors, `Invalid config${where} (${n} problem${n === 1 ? "" : "s"})`);
  }
  return result.config;
}

/**
 * Gives issues found later on a checked config (building its source) the file and the line of the
 * nearest enclosing value, as `checkConfig` gives its own.
 */
export function locateIssues(issues: readonly ConfigIssue[], options: ValidateOptions = {}): ConfigIssue[] {
  return issues.map((issue) => {
    const out: ConfigIssue = { ...issue, message: redact(issue.message) };
    if (issue.hint !== undefined) out.hint = redact(issue.hint);
    if (options.file !== undefined) out.file = options.file;
    let path = issue.path;
    while (options.positions) {
      const p = options.positions.get(path);
      if (p) {
        out.line = p.line;
        out.column = p.column;
        break;
      }
      const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
      if (cut <= 0) break;
      path = path.slice(0, cut);
    }
    return out;
  });
}

/**
 * Reference checks (parents, cycles, names) on a config the schema rejected, so one run reports
 * everything. Issues at or under a place the schema already reported are dropped as noise.
 */
function salvagedSemantics(input: unknown, schemaIssues: Located[]): Located[] {
  if (!isPlainObject(input) || !isPlainObject(input.client) || !Array.isArray(input.resources)) return [];
  let found: ReturnType<typeof semanticIssues>;
  try {
    found = semanticIssues(input as RestApiConfig);
  } catch {
    return [];
  }
  const reported = schemaIssues.map((i) => formatPath(i.path));
  const overlaps = (p: string) =>
    reported.some(
      (r) =>
        r === p ||
        r.startsWith(`${p}.`) ||
        r.startsWith(`${p}[`) ||
        p.startsWith(`${r}.`) ||
        p.startsWith(`${r}[`),
    );
  return found.errors
    .filter((e) => !overlaps(formatPath(e.path)))
    .map((e) => ({ path: e.path, message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }) }));
}

interface Located {
  path: PathSegment[];
  message: string;
  hint?: string;
  /** Point at the key rather than the value (unknown keys). */
  atKey?: boolean;
}

function locator(options: ValidateOptions): (issue: Located) => ConfigIssue {
  return (issue) => {
    // Issues are structured data callers may print themselves: redact here, not only in the error text.
    const out: ConfigIssue = { path: formatPath(issue.path), message: redact(issue.message) };
    if (issue.hint !== undefined) out.hint = redact(issue.hint);
    if (options.file !== undefined) out.file = options.file;
    const positions = options.positions;
    if (positions) {
      // A missing key has no position of its own: point at the nearest enclosing value.
      for (let n = issue.path.length; n >= 0; n--) {
        const p = positions.get(formatPath(issue.path.slice(0, n)));
        if (!p) continue;
        const at = issue.atKey && n === issue.path.length && p.key ? p.key : p;
        out.line = at.line;
        out.column = at.column;
        break;
      }
    }
    return out;
  };
}

type Issue = z.core.$ZodIssue;

/** Turns one zod issue into messages a user can act on. Union issues pick the branch the user meant. */
function explain(issue: Issue, base: PathSegment[], input: unknown): Located[] {
  const path = [...base, ...(issue.path as PathSegment[])];
  const value = valueAt(input, path);
  if (path[path.length - 1] === "auth" && typeof value === "string" && !value.includes("${"))
    return [authTypeName(path, value)];
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = issue.message.startsWith(UNKNOWN_KEYS_MARK)
        ? (JSON.parse(issue.message.slice(UNKNOWN_KEYS_MARK.length)) as string[])
        : [];
      return issue.keys.map((key) => ({
        path: [...path, key],
        message: `unknown key "${key}"`,
        hint:
          (Object.hasOwn(DLT_SPELLINGS, key) ? DLT_SPELLINGS[key] : undefined) ??
          suggestionHint(key, allowed, "allowed keys"),
        atKey: true,
      }));
    }
    case "invalid_value": {
      return enumIssue(
        path,
        value,
        issue.values.map((v) => String(v)),
      );
    }
    case "invalid_union":
      return explainUnion(issue, path, value, input);
    case "invalid_type":
      if (value === undefined) return [{ path, message: "required key is missing" }];
      return [{ path, message: `expected ${issue.expected}, got ${show(value, path)}` }];
    case "too_small":
      return [
        {
          path,
          message: `${show(value, path)} is too small: ${bound(issue.origin, ">=", issue.minimum, issue.inclusive)}`,
        },
      ];
    case "too_big":
      return [
        {
          path,
          message: `${show(value, path)} is too big: ${bound(issue.origin, "<=", issue.maximum, issue.inclusive)}`,
        },
      ];
    case "custom":
      if (value === undefined) return [{ path, message: "required key is missing" }];
      return [{ path, message: `${issue.message}, got ${show(value, path)}` }];
    default:
      return [{ path, message: `${issue.message} (got ${show(value, path)})` }];
  }
}

const ref = (name: string): string => `"\${secrets.${name}}"`;
/** The written-out form of each auth type, for a config that names the type alone (dlt's `auth: "bearer"`). */
const AUTH_EXAMPLES: Readonly<Record<string, string>> = {
  bearer: `{type: "bearer", token: ${ref("token")}}`,
  api_key: `{type: "api_key", name: "X-API-Key", api_key: ${ref("api_key")}}`,
  http_basic: `{type: "http_basic", username: "...", password: ${ref("password")}}`,
  oauth2_client_credentials: `{type: "oauth2_client_credentials", access_token_url: "...", client_id: ${ref("client_id")}, client_secret: ${ref("client_secret")}}`,
  oauth2: `{type: "oauth2", token_url: "...", client_id: ${ref("client_id")}, client_secret: ${ref("client_secret")}}`,
};

/** dlt fills a type-name auth from its own config files and environment; sluice reads the config alone. */
function authTypeName(path: PathSegment[], value: string): Located {
  const example = AUTH_EXAMPLES[value] ?? AUTH_EXAMPLES.bearer;
  return {
    path,
    message: `auth given as a type name (${JSON.stringify(value)}) is not supported: dlt reads its fields from .dlt/ config, sluice does not`,
    hint: `write the auth as an object, e.g. ${example}`,
  };
}

/** A value outside a closed set of choices (an enum, or a union's `type`): missing, or named with the nearest choice. */
function enumIssue(path: PathSegment[], value: unknown, allowed: string[]): Located[] {
  if (value === undefined)
    return [{ path, message: "required key is missing", hint: `allowed: ${allowed.join(", ")}` }];
  return [{ path, message: `invalid value ${show(value, path)}`, hint: enumHint(value, allowed) }];
}

function enumHint(value: unknown, allowed: string[]): string {
  if (typeof value !== "string") return `allowed: ${allowed.join(", ")}`;
  const renamed = Object.hasOwn(DLT_SPELLINGS, value) ? DLT_SPELLINGS[value] : undefined;
  return renamed ?? suggestionHint(value, allowed);
}

function bound(origin: string, op: string, limit: unknown, inclusive: boolean | undefined): string {
  const n = String(limit);
  if (origin === "string") return op === ">=" ? "must not be empty" : `at most ${n} characters`;
  if (origin === "array" || origin === "set")
    return `${op === ">=" ? "at least" : "at most"} ${n} item${n === "1" ? "" : "s"}`;
  return `must be ${inclusive === false ? op[0] : op} ${n}`;
}

function explainUnion(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: PathSegment[],
  value: unknown,
  input: unknown,
): Located[] {
  // A discriminated union whose `type` matched no option.
  if (issue.errors.length === 0) {
    const options = (issue as { options?: unknown[] }).options ?? [];
    return enumIssue(
      path,
      value,
      options.filter((o): o is string => typeof o === "string"),
    );
  }
  const compatible = issue.errors.filter((branch) => !rootMismatch(branch, value));
  if (compatible.length === 0) {
    const expected = new Set<string>();
    collectExpected(issue.errors, expected);
    return [{ path, message: `expected ${[...expected].join(" or ")}, got ${show(value, path)}` }];
  }
  const isTypeMismatch = (e: Issue) =>
    e.code === "invalid_value" && e.path.length === 1 && e.path[0] === "type";
  const matching = compatible.filter((branch) => !branch.some(isTypeMismatch));
  if (matching.length === 0) {
    const allowed = compatible.flatMap((b) =>
      b.filter(isTypeMismatch).flatMap((e) => (e.code === "invalid_value" ? e.values.map(String) : [])),
    );
    const typeValue = valueAt(input, [...path, "type"]);
    if (typeValue === undefined)
      return [
        {
          path: [...path, "type"],
          message: "required key is missing",
          hint: `allowed: ${allowed.join(", ")}`,
        },
      ];
    return [
      {
        path: [...path, "type"],
        message: `invalid value ${show(typeValue, path)}`,
        hint: enumHint(typeValue, allowed),
      },
    ];
  }
  const best = matching.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((e) => explain(e, path, input));
}

/** True when a union branch rejected the value's kind itself (a string where an object was expected). */
function rootMismatch(branch: readonly Issue[], value: unknown): boolean {
  return branch.some((e) => {
    if (e.path.length > 0) return false;
    if (e.code === "invalid_type" || e.code === "custom") return true;
    if (e.code === "invalid_value") return typeof value === "object" && value !== null;
    if (e.code === "invalid_union")
      return e.errors.length > 0 && e.errors.every((b) => rootMismatch(b, value));
    return false;
  });
}

function collectExpected(branches: readonly (readonly Issue[])[], into: Set<string>): void {
  for (const branch of branches)
    for (const e of branch) {
      if (e.path.length > 0) continue;
      if (e.code === "invalid_type") into.add(e.expected === "record" ? "object" : e.expected);
      else if (e.code === "custom") into.add("string");
      else if (e.code === "invalid_value") into.add(e.values.map((v) => JSON.stringify(v)).join(" or "));
      else if (e.code === "invalid_union") collectExpected(e.errors, into);
    }
}

/**
 * The value at an issue's path in the input as given. Not core's JSONPath reader: the path is already
 * split (keys and indexes, as zod reports them), and only own keys of plain objects count, so an
 * inherited name like `constructor` is never shown as the user's value.
 */
function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let node = input;
  for (const seg of path) {
    if (Array.isArray(node) && typeof seg === "number") node = node[seg];
    else if (isPlainObject(node) && typeof seg === "string" && Object.hasOwn(node, seg)) node = node[seg];
    else return undefined;
  }
  return node;
}

/** A short, safe rendering of a bad value: values under secret-looking keys are masked. */
function show(value: unknown, path: readonly PathSegment[]): string {
  const key = [...path].reverse().find((s): s is string => typeof s === "string");
  if (isSecretRef(value)) return value.toString();
  if (typeof value === "function") return "a function";
  if (value === undefined) return "nothing";
  if (
    typeof value === "string" &&
    key !== undefined &&
    key !== "type" &&
    SENSITIVE_NAME.test(key) &&
    !value.includes("${secrets.")
  )
    return "*** (a string)";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const kind = Array.isArray(value)
    ? "array"
    : value === null
      ? ""
      : typeof value === "object"
        ? "object"
        : typeof value;
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return kind === "string" || kind === "" ? shown : `${kind} ${shown}`;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Orders issues as their places appear in the input (file order for parsed files), so a list of
 * problems reads top to bottom. A missing key sorts with the object that lacks it.
 */
function inInputOrder(issues: Located[], input: unknown): Located[] {
  if (issues.length < 2) return issues;
  const order = new Map<string, number>();
  const walk = (node: unknown, path: PathSegment[]): void => {
    order.set(formatPath(path), order.size);
    if (Array.isArray(node)) for (const [i, v] of node.entries()) walk(v, [...path, i]);
    else if (isPlainObject(node)) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(input, []);
  const rank = (path: PathSegment[]): number => {
    for (let n = path.length; n >= 0; n--) {
      const r = order.get(formatPath(path.slice(0, n)));
      if (r !== undefined) return r;
    }
    return 0;
  };
  return issues
    .map((issue, i) => ({ issue, i, r: rank(issue.path) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.issue);
}

/** Copies arrays and plain objects so the result shares nothing mutable with the input. */
export function clonePlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clonePlain) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = clonePlain(v);
    return out as T;
  }
  return value;
}
