import { isPlainObject } from "../../core/json.js";
import { redact, SENSITIVE_NAME } from "../../core/redact.js";
import type { AuthConfig } from "../types.js";

/** What a secret becomes in a cassette, and in a request compared with one. */
export const SECRET_TEMPLATE = "{{secret}}";

/**
 * Where secrets sit by name, from the auth the config declares. Values are scrubbed by the secret
 * registry too; names matter where the registry cannot see the value (a Basic header is base64 of the
 * password) and on replay, where the secret may be a stand-in that must match the recorded one.
 */
export interface ScrubRules {
  /** Request header names (lower case) whose values are secrets. */
  headers: Set<string>;
  /** Query parameter names whose values are secrets (an api_key in the query). */
  query: Set<string>;
  /** Form fields of a token request that are secrets. */
  form: Set<string>;
  /** Fields of a token response that are secrets. */
  tokenFields: Set<string>;
}

export function defaultScrubRules(): ScrubRules {
  return {
    headers: new Set(["authorization", "proxy-authorization", "cookie"]),
    query: new Set(),
    form: new Set(["client_secret", "client_assertion", "password", "refresh_token"]),
    tokenFields: new Set(["access_token", "refresh_token", "id_token"]),
  };
}

/** Adds the names one auth config puts secrets under. */
export function declareAuth(rules: ScrubRules, auth: AuthConfig | undefined): void {
  if (!auth || !isPlainObject(auth)) return;
  const a = auth as Record<string, unknown>;
  if (a.type === "api_key") {
    const name = typeof a.name === "string" ? a.name : "Authorization";
    const location = a.location === "param" ? "query" : (a.location ?? "header");
    if (location === "query") rules.query.add(name);
    else if (location === "header") rules.headers.add(name.toLowerCase());
  }
  // The id is not secret in OAuth2, but sluice masks it like one, so the cassette must too.
  if (a.type === "oauth2_client_credentials" || a.type === "oauth2") rules.form.add("client_id");
}

/** Every registered secret value in `text`, templated. */
export function scrubText(text: string): string {
  return redact(text, SECRET_TEMPLATE);
}

/** Registered secrets in every string of a JSON value (keys included). */
export function scrubJson(value: unknown): unknown {
  if (typeof value === "string") return scrubText(value);
  if (Array.isArray(value)) return value.map(scrubJson);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[scrubText(k)] = scrubJson(v);
    return out;
  }
  return value;
}

export function scrubQuery(entries: Array<[string, string]>, rules: ScrubRules): Array<[string, string]> {
  return entries.map(([k, v]) => [k, rules.query.has(k) ? SECRET_TEMPLATE : scrubText(v)]);
}

export function scrubForm(entries: Array<[string, string]>, rules: ScrubRules): Array<[string, string]> {
  return entries.map(([k, v]) => [k, rules.form.has(k) ? SECRET_TEMPLATE : scrubText(v)]);
}

/** Request headers worth reading in a cassette, secrets templated; transport noise left out. */
export function scrubRequestHeaders(
  headers: Record<string, string>,
  rules: ScrubRules,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    if (lower === "accept-encoding" || lower === "user-agent" || lower === "content-length") continue;
    out[lower] =
      rules.headers.has(lower) || SENSITIVE_NAME.test(lower) ? SECRET_TEMPLATE : scrubText(headers[name]!);
  }
  return out;
}

/** Headers that describe the stored body's bytes (it is stored decoded), or that carry session state. */
const DROPPED_RESPONSE_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "connection",
  "keep-alive",
  "date",
  "set-cookie",
]);

export function scrubResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name of Object.keys(headers).sort()) {
    const lower = name.toLowerCase();
    const value = headers[name];
    if (value === undefined || DROPPED_RESPONSE_HEADERS.has(lower)) continue;
    if (SENSITIVE_NAME.test(lower)) out[lower] = SECRET_TEMPLATE;
    else out[lower] = Array.isArray(value) ? value.map(scrubText) : scrubText(value);
  }
  return out;
}

/**
 * A token response with its tokens templated: replayed, the client gets `{{secret}}` as its access
 * token and sends it, which matches because auth headers are not part of a request's key.
 */
export function scrubTokenResponse(body: unknown, rules: ScrubRules): unknown {
  if (!isPlainObject(body)) return scrubJson(body);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body))
    out[k] = rules.tokenFields.has(k) && typeof v === "string" ? SECRET_TEMPLATE : scrubJson(v);
  return out;
}
