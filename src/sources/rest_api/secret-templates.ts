import { isSecretRef, resolveSecrets, secretNamesIn } from "../../config/index.js";
import { isPlainObject } from "../../core/json.js";
import type { RestApiConfig, RestApiConfigInput } from "./config-types.js";

export interface SecretOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

const PLACEHOLDER = /\$\{secrets\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\}/g;

function escapeBraces(text: string): string {
  return text.replace(/[{}]/g, (b) => b + b);
}

/**
 * Resolves every secret of a validated config. Fields that hold `{…}` placeholders (endpoint path,
 * params, headers, json, data) receive the secret with its braces doubled, so a secret containing `{` or
 * `}` reads as literal text there instead of as a placeholder the config checks never saw. Every missing
 * secret is reported at once.
 */
export function resolveConfigSecrets(config: RestApiConfigInput, options: SecretOptions): RestApiConfig {
  const names = secretNamesIn(config);
  if (names.length === 0) return resolveSecrets(config, options);
  const values = resolveSecrets(
    Object.fromEntries(names.map((n) => [n, `\${secrets.${n}}`])),
    options,
  ) as Record<string, unknown>;
  const fill = (text: string): string =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const v = values[name];
      return v === undefined ? whole : escapeBraces(typeof v === "string" ? v : JSON.stringify(v));
    });
  const templated = (v: unknown): unknown => {
    if (isSecretRef(v)) return fill(v.toString());
    if (typeof v === "string") return fill(v);
    if (Array.isArray(v)) return v.map(templated);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, templated(x)]));
    return v;
  };
  // dlt's legacy {type: resolve | incremental} params are bindings, not templates
  const param = (v: unknown): unknown => (isPlainObject(v) && typeof v.type === "string" ? v : templated(v));
  const endpoint = (e: unknown): unknown => {
    if (typeof e === "string") return fill(e);
    if (!isPlainObject(e)) return e;
    const out: Record<string, unknown> = { ...e };
    if (typeof out.path === "string") out.path = fill(out.path);
    if (isPlainObject(out.params))
      out.params = Object.fromEntries(Object.entries(out.params).map(([k, x]) => [k, param(x)]));
    if (isPlainObject(out.headers))
      out.headers = Object.fromEntries(Object.entries(out.headers).map(([k, x]) => [k, templated(x)]));
    for (const body of ["json", "data"] as const)
      if (out[body] !== undefined && out[body] !== null) out[body] = templated(out[body]);
    return out;
  };
  const withEndpoint = <T>(r: T): T =>
    isPlainObject(r) && "endpoint" in r ? ({ ...r, endpoint: endpoint(r.endpoint) } as T) : r;
  const prepared: RestApiConfigInput = {
    ...config,
    resources: config.resources.map(withEndpoint),
    ...(config.resource_defaults ? { resource_defaults: withEndpoint(config.resource_defaults) } : {}),
  };
  return resolveSecrets(prepared, options);
}
