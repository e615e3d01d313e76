import { z } from "zod";
import { registerSecret } from "../../core/redact.js";
import { configObject, SECRET_SPELLING, stringOrSecret } from "../options-schema.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";
import type { AuthRegistration } from "./registry.js";

export const apiKeySchema = configObject({
  type: z.literal("api_key").describe('"api_key".'),
  name: z.string().optional().describe('Header, query parameter or cookie name; default "Authorization".'),
  api_key: stringOrSecret().describe(`The key; write it as ${SECRET_SPELLING}.`),
  location: z
    .enum(["header", "query", "param", "cookie"])
    .optional()
    .describe('Where the key is sent: "header" (default), "query" (or dlt\'s alias "param") or "cookie".'),
}).describe("API key authentication.");

/** dlt's `api_key`: `name` (default `Authorization`) in a header, the query (dlt's alias: `param`) or a cookie. */
export class ApiKeyAuth implements Authenticator {
  readonly type = "api_key";
  readonly name: string;
  readonly location: "header" | "query" | "cookie";
  private readonly key: string;

  constructor(cfg: {
    name?: string | undefined;
    api_key: string;
    location?: "header" | "query" | "param" | "cookie" | undefined;
  }) {
    registerSecret(cfg.api_key);
    this.key = cfg.api_key;
    this.name = cfg.name ?? "Authorization";
    this.location = cfg.location === "param" ? "query" : (cfg.location ?? "header");
  }

  apply(target: AuthTarget): void {
    if (this.location === "query") {
      target.params[this.name] = this.key;
    } else if (this.location === "cookie") {
      const cookie = `${this.name}=${this.key}`;
      const prev = target.headers["cookie"];
      target.headers["cookie"] = prev ? `${prev}; ${cookie}` : cookie;
    } else {
      target.headers[this.name.toLowerCase()] = this.key;
    }
  }
}

export const apiKey: AuthRegistration<typeof apiKeySchema> = {
  schema: apiKeySchema,
  secrets: ["api_key"],
  create: (config) => new ApiKeyAuth(config),
};
