import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { MissingSecretError, SluiceError, secretEnvName } from "../core/errors.js";
import { isPlainObject } from "../core/json.js";
import { registerSecret } from "../core/redact.js";
import { isSecretRef, type Resolved } from "../core/secret-ref.js";

/**
 * Secrets in configs. A config never holds a secret value: TypeScript configs hold `SecretRef`s
 * (`secrets.client_id`) and files hold the text `${secrets.client_id}`. Both are replaced by
 * `resolveSecrets` at run time, so a config can be printed, validated and stored safely.
 */

/** Secret names: words of letters, digits, `_` or `-`, joined by dots (`github.token`). */
const NAME = "[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*";
const PLACEHOLDER = new RegExp(`\\$\\{secrets\\.(${NAME})\\}`, "g");
const WHOLE_PLACEHOLDER = new RegExp(`^\\$\\{secrets\\.(${NAME})\\}$`);
const VALID_NAME = new RegExp(`^${NAME}$`);

/** True when a string mentions `${secrets.…}`. */
export function hasSecretPlaceholder(text: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  return PLACEHOLDER.test(text);
}

export function isValidSecretName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** Every secret name a config refers to, in first-seen order. */
export function secretNamesIn(value: unknown): string[] {
  const names = new Set<string>();
  walk(value, (name) => names.add(name));
  return [...names];
}

function walk(value: unknown, visit: (name: string) => void): void {
  if (isSecretRef(value)) visit(value.name);
  else if (typeof value === "string") {
    for (const m of value.matchAll(PLACEHOLDER)) visit(m[1]!);
  } else if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (isPlainObject(value)) for (const v of Object.values(value)) walk(v, visit);
}

export interface ResolveSecretsOptions {
  /** Directory holding `.sluice/secrets.toml` (default: `process.cwd()`). */
  cwd?: string;
  /** Environment to read (default: `process.env`). */
  env?: Record<string, string | undefined>;
}

/**
 * Returns a new config with every secret reference replaced by its value: environment variable
 * `NAME` (upper case, `.` → `__`) first, then `.sluice/secrets.toml` under `cwd` (dotted names are
 * nested tables). Every missing secret is reported in one `MissingSecretError`; every value found is
 * registered for redaction. The input is not modified.
 */
export function resolveSecrets<T>(config: T, options: ResolveSecretsOptions = {}): Resolved<T> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const tomlPath = join(cwd, ".sluice", "secrets.toml");
  let toml: Record<string, unknown> | undefined;
  const loadToml = (): Record<string, unknown> => {
    toml ??= readSecretsToml(tomlPath);
    return toml;
  };

  const values = new Map<string, unknown>();
  const missing: string[] = [];
  for (const name of secretNamesIn(config)) {
    const fromEnv = env[secretEnvName(name)];
    if (fromEnv !== undefined && fromEnv !== "") {
      values.set(name, fromEnv);
      continue;
    }
    const fromFile = lookupDotted(loadToml(), name);
    if (fromFile === undefined) missing.push(name);
    else values.set(name, fromFile);
  }
  if (missing.length > 0) {
    const vars = missing.map(secretEnvName);
    throw new MissingSecretError(missing, [
      `environment variable${vars.length > 1 ? "s" : ""} ${vars.join(", ")}`,
      tomlPath,
    ]);
  }
  for (const v of values.values()) registerLeaves(v);
  return substitute(config, values) as Resolved<T>;
}

function readSecretsToml(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    // The parser's message quotes the offending line, which may hold a secret: keep only the position.
    const where = err instanceof Error && "line" in err ? ` at line ${String(err.line)}` : "";
    throw new SluiceError(`Cannot parse ${path}${where}`, {
      code: "SECRETS_FILE_INVALID",
      hint: "Fix the TOML syntax of the secrets file (strings need quotes; sections are [name]).",
    });
  }
}

function lookupDotted(table: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(table, name)) return table[name];
  let node: unknown = table;
  for (const part of name.split(".")) {
    if (!isPlainObject(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

function registerLeaves(value: unknown): void {
  if (typeof value === "string") registerSecret(value);
  else if (typeof value === "number" || typeof value === "bigint") registerSecret(String(value));
  else if (Array.isArray(value)) for (const v of value) registerLeaves(v);
  else if (isPlainObject(value)) for (const v of Object.values(value)) registerLeaves(v);
}

function substitute(value: unknown, values: Map<string, unknown>): unknown {
  if (isSecretRef(value)) return toText(values.get(value.name));
  if (typeof value === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    // A whole-value placeholder keeps the secret's own type (a TOML number or table stays one).
    if (whole) return values.get(whole[1]!);
    return value.replace(PLACEHOLDER, (_m, name: string) => toText(values.get(name)));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, values);
    return out;
  }
  return value;
}

function toText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
