import { z } from "zod";
import { registerSecret } from "../../core/redact.js";
import { configObject, SECRET_SPELLING, stringOrSecret } from "../options-schema.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";
import { type AuthRegistration, DEFAULT_AUTH_TYPE } from "./registry.js";

export const bearerSchema = configObject({
  type: z
    .literal(DEFAULT_AUTH_TYPE)
    .optional()
    .describe('"bearer"; may be left out: an auth with only `token` is bearer.'),
  token: stringOrSecret().describe(
    `Token sent as "Authorization: Bearer <token>"; write it as ${SECRET_SPELLING}.`,
  ),
}).describe("Bearer token authentication.");

export class BearerAuth implements Authenticator {
  readonly type = "bearer";
  private readonly header: string;

  constructor(token: string) {
    registerSecret(token);
    this.header = `Bearer ${token}`;
  }

  apply(target: AuthTarget): void {
    target.headers["authorization"] = this.header;
  }
}

export const bearer: AuthRegistration<typeof bearerSchema> = {
  schema: bearerSchema,
  secrets: ["token"],
  create: (config) => new BearerAuth(config.token),
};
