import type { z } from "zod";
import type { Resolved } from "../../core/secret-ref.js";
import { apiKey } from "./api-key.js";
import { bearer } from "./bearer.js";
import { httpBasic } from "./http-basic.js";
import { oauth2ClientCredentials } from "./oauth2-client-credentials.js";
import { AUTHS, type AuthRegistration, registerAuth } from "./registry.js";

/** The auth types sluice ships, by type; the generated JSON Schema lists them, in this order. */
export const BUILTIN_AUTHS = [
  ["bearer", bearer],
  ["api_key", apiKey],
  ["http_basic", httpBasic],
  ["oauth2_client_credentials", oauth2ClientCredentials],
  ["oauth2", oauth2ClientCredentials],
] as const;

const builtins: ReadonlyArray<readonly [string, AuthRegistration]> = BUILTIN_AUTHS;
for (const [type, registration] of builtins) registerAuth(type, registration);
AUTHS.sealBuiltins();

/** The config object of a built-in auth type, its secrets resolved. */
export type BuiltinAuthConfig = Resolved<z.output<(typeof BUILTIN_AUTHS)[number][1]["schema"]>>;
