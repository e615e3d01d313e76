import type { AuthConfig } from "../types.js";
import type { Authenticator } from "./authenticator.js";
import "./builtins.js";
import type { TokenFetcher } from "./oauth2-client-credentials.js";
import { AUTHS } from "./registry.js";

export { ApiKeyAuth } from "./api-key.js";
export type { Authenticator, AuthTarget } from "./authenticator.js";
export { BearerAuth } from "./bearer.js";
export { HttpBasicAuth } from "./http-basic.js";
export { OAuth2ClientCredentialsAuth, type TokenFetcher } from "./oauth2-client-credentials.js";
export {
  type AuthContext,
  type AuthRegistration,
  type RegisteredAuthConfig,
  registerAuth,
  registerAuthSecrets,
} from "./registry.js";

/** An authenticator for a config; a dict without `type` is bearer (dlt's shorthand). */
export function createAuthenticator(
  config: AuthConfig,
  fetchToken: TokenFetcher,
  now: () => number,
): Authenticator {
  return AUTHS.resolve(config.type).create(config, { fetchToken, now });
}
