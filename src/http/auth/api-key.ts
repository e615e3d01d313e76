import { registerSecret } from "../../core/redact.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";

/** dlt's `api_key`: `name` (default `Authorization`) in a header, the query (dlt's alias: `param`) or a cookie. */
export class ApiKeyAuth implements Authenticator {
  readonly type = "api_key";
  readonly name: string;
  readonly location: "header" | "query" | "cookie";
  private readonly key: string;

  constructor(cfg: { name?: string; api_key: string; location?: "header" | "query" | "param" | "cookie" }) {
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
