import { registerSecret } from "../../core/redact.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";

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
