import { z } from "zod";
import { registerSecret } from "../../core/redact.js";
import { configObject, SECRET_SPELLING, stringOrSecret } from "../options-schema.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";
import type { AuthRegistration } from "./registry.js";

export const httpBasicSchema = configObject({
  type: z.literal("http_basic").describe('"http_basic".'),
  username: stringOrSecret().describe("User name."),
  password: stringOrSecret().describe(`Password; write it as ${SECRET_SPELLING}.`),
}).describe("HTTP Basic authentication.");

export function basicHeader(username: string, password: string): string {
  const encoded = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  registerSecret(encoded);
  return `Basic ${encoded}`;
}

export class HttpBasicAuth implements Authenticator {
  readonly type = "http_basic";
  private readonly header: string;

  constructor(cfg: { username: string; password: string }) {
    registerSecret(cfg.password);
    this.header = basicHeader(cfg.username, cfg.password);
  }

  apply(target: AuthTarget): void {
    target.headers["authorization"] = this.header;
  }
}

export const httpBasic: AuthRegistration<typeof httpBasicSchema> = {
  schema: httpBasicSchema,
  secrets: ["password"],
  create: (config) => new HttpBasicAuth(config),
};
