import { ConfigError, type ConfigIssue } from "../core/errors.js";

/**
 * `${env.NAME}` and `${env.NAME:-default}` in config files: settings that differ per machine but are not
 * secret (an API's base URL, a page size), so they neither live in the file nor get masked like secrets.
 * Expanded when a config file is read, before validation. `${secrets.*}` references are left alone.
 */
const ENV_REF = /\$\{env\.([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function expandEnv<T>(value: T, env: NodeJS.ProcessEnv, file?: string): T {
  const issues: ConfigIssue[] = [];
  const out = walk(value, "", env, issues, file);
  if (issues.length > 0) throw new ConfigError(issues, "Config refers to unset environment variables");
  return out as T;
}

function walk(
  value: unknown,
  path: string,
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  file?: string,
): unknown {
  if (typeof value === "string") {
    if (!value.includes("${env.")) return value;
    return value.replace(ENV_REF, (_, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      issues.push({
        path: path || "<root>",
        message: `environment variable ${name} is not set`,
        hint: `set ${name}, or write \${env.${name}:-<default>} in the config`,
        ...(file === undefined ? {} : { file }),
      });
      return "";
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, env, issues, file));
  if (
    value !== null &&
    typeof value === "object" &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value))
  ) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = walk(v, path ? `${path}.${k}` : k, env, issues, file);
    return out;
  }
  return value;
}
