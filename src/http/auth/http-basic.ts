import { registerSecret } from "../../core/redact.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";

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
