import type { z } from "zod";
import { registerSecret } from "../../core/redact.js";
import type { Resolved } from "../../core/secret-ref.js";
import { type RegisteredOptions, type TypeRegistration, TypeRegistry } from "../registry.js";
import type { AuthConfig } from "../types.js";
import type { Authenticator } from "./authenticator.js";
import type { TokenFetcher } from "./oauth2-client-credentials.js";

/** What creating an authenticator may use besides its config: the client's transport and clock. */
export interface AuthContext {
  /** Sends a token request through the client's pool, timeouts and retries. */
  fetchToken: TokenFetcher;
  /** Milliseconds since the epoch (injectable for token expiry in tests). */
  now: () => number;
}

/** An auth type: the schema of its config object (`type` included), its secret keys and a factory. */
export interface AuthRegistration<S extends z.ZodType = z.ZodType<Record<string, unknown>>>
  extends TypeRegistration {
  readonly schema: S;
  /** Keys holding secrets: their values are masked in every output from the moment a source is built. */
  readonly secrets?: readonly (keyof z.input<S> & string)[];
  /** The authenticator of a client (or of an endpoint); `config` passed the schema, its secrets resolved. */
  create(config: Resolved<z.input<S>>, context: AuthContext): Authenticator;
}

export type RegisteredAuthConfig = RegisteredOptions;

/** dlt's shorthand: an auth without `type` is a bearer token. */
export const DEFAULT_AUTH_TYPE = "bearer";

export const AUTHS = new TypeRegistry<AuthRegistration>("auth", DEFAULT_AUTH_TYPE);

/**
 * Adds an auth type (dlt's `register_auth`): configs may then name it in `auth.type`;
 * `sluice validate` and `restApiSource` check its options with `schema`, and each client (or endpoint
 * with its own auth) gets an authenticator from `create`.
 */
export function registerAuth<S extends z.ZodType<Record<string, unknown>>>(
  type: string,
  registration: AuthRegistration<S>,
): void {
  AUTHS.register(type, registration);
}

/** Masks the secret values of an auth config (its type's `secrets`), before anything can print them. */
export function registerAuthSecrets(config: AuthConfig | undefined): void {
  if (!config) return;
  const { secrets } = AUTHS.resolve(config.type);
  const values = config as Record<string, unknown>;
  for (const key of secrets ?? []) if (key in values) registerSecret(values[key]);
}
