import type { AuthConfig } from "../types.js";
import { ApiKeyAuth } from "./api-key.js";
import type { Authenticator } from "./authenticator.js";
import { BearerAuth } from "./bearer.js";
import { HttpBasicAuth } from "./http-basic.js";
import { OAuth2ClientCredentialsAuth, type TokenFetcher } from "./oauth2-client-credentials.js";

export { ApiKeyAuth } from "./api-key.js";
export type { Authenticator, AuthTarget } from "./authenticator.js";
export { BearerAuth } from "./bearer.js";
export { HttpBasicAuth } from "./http-basic.js";
export { OAuth2ClientCredentialsAuth, type TokenFetcher } from "./oauth2-client-credentials.js";

/** An authenticator for a config; a dict without `type` is bearer (dlt's shorthand). */
export function createAuthenticator(
  config: AuthConfig,
  fetchToken: TokenFetcher,
  now: () => number,
): Authenticator {
  switch (config.type) {
    case undefined:
    case "bearer":
      return new BearerAuth(config.token);
    case "api_key":
      return new ApiKeyAuth(config);
    case "http_basic":
      return new HttpBasicAuth(config);
    case "oauth2":
    case "oauth2_client_credentials":
      return new OAuth2ClientCredentialsAuth(config, fetchToken, now);
  }
}
