import type { SecurityScheme } from "./spec-model.js";

export interface AuthGuess {
  auth?: Record<string, unknown>;
  /** Secret names the config refers to, for the secrets template. */
  secrets: string[];
  note: string;
}

/**
 * The config's `client.auth` from the spec's security schemes, every secret as a `${secrets.…}`
 * placeholder: apiKey (header, query, cookie), http bearer and basic, OAuth2 client credentials with its
 * tokenUrl. Schemes sluice cannot run unattended (authorization code, OpenID Connect) become a bearer
 * token the user obtains once.
 */
export function detectAuth(
  schemes: readonly SecurityScheme[],
  used: ReadonlySet<string>,
  baseUrl?: string,
): AuthGuess {
  const ordered = [...schemes].sort(
    (a, b) => Number(used.has(b.name)) - Number(used.has(a.name)) || rank(a) - rank(b),
  );
  const s = ordered.find((x) => used.has(x.name)) ?? ordered[0];
  if (s === undefined) return { secrets: [], note: "the spec declares no security scheme: no auth" };
  const key = secretName(s.name);
  switch (s.type) {
    case "apiKey":
      return {
        auth: {
          type: "api_key",
          name: s.paramName ?? "Authorization",
          api_key: `\${secrets.${key}}`,
          location: s.in === "query" ? "query" : s.in === "cookie" ? "cookie" : "header",
        },
        secrets: [key],
        note: `API key "${s.name}" in the ${s.in ?? "header"} ${s.paramName ?? ""}`.trim(),
      };
    case "basic":
      return basic(s.name);
    case "http":
      if (s.scheme === "basic") return basic(s.name);
      return {
        auth: { type: "bearer", token: `\${secrets.${key}}` },
        secrets: [key],
        note: `HTTP ${s.scheme ?? "bearer"} token "${s.name}"`,
      };
    case "oauth2":
      if (s.tokenUrl !== undefined)
        return {
          auth: {
            type: "oauth2_client_credentials",
            access_token_url: absolute(s.tokenUrl, baseUrl),
            client_id: `\${secrets.client_id}`,
            client_secret: `\${secrets.client_secret}`,
            ...(s.scopes.length > 0 ? { scopes: s.scopes } : {}),
          },
          secrets: ["client_id", "client_secret"],
          note: `OAuth2 client credentials "${s.name}" (token URL ${s.tokenUrl})`,
        };
      return {
        auth: { type: "bearer", token: `\${secrets.${key}}` },
        secrets: [key],
        note: `OAuth2 "${s.name}" has no client-credentials flow: get a token once (its authorization flow) and store it as the secret`,
      };
    default:
      return {
        auth: { type: "bearer", token: `\${secrets.${key}}` },
        secrets: [key],
        note: `${s.type} "${s.name}": get a token once and store it as the secret`,
      };
  }
}

/** A token URL relative to the server, as specs often write it. */
function absolute(url: string, baseUrl: string | undefined): string {
  if (/^https?:\/\//i.test(url) || baseUrl === undefined) return url;
  try {
    return new URL(url, baseUrl).href;
  } catch {
    return url;
  }
}

function basic(name: string): AuthGuess {
  return {
    auth: { type: "http_basic", username: `\${secrets.username}`, password: `\${secrets.password}` },
    secrets: ["username", "password"],
    note: `HTTP basic "${name}"`,
  };
}

/** Schemes a loader can use unattended first. */
function rank(s: SecurityScheme): number {
  if (s.type === "oauth2") return s.tokenUrl === undefined ? 4 : 1;
  if (s.type === "apiKey" || s.type === "http" || s.type === "basic") return 0;
  return 5;
}

export function secretName(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  return /^[a-z]/.test(snake) ? snake : `key_${snake || "api"}`;
}
