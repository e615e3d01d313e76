import { z } from "zod";
import { maskUrl, registerSecret } from "../../core/redact.js";
import type { Resolved } from "../../core/secret-ref.js";
import { AuthError, bodySnippet } from "../errors.js";
import { configObject, SECRET_SPELLING, stringOrSecret, stringOrSecretMap } from "../options-schema.js";
import type { Authenticator, AuthTarget } from "./authenticator.js";
import { basicHeader } from "./http-basic.js";
import type { AuthRegistration } from "./registry.js";

export const oauth2ClientCredentialsSchema = configObject({
  type: z
    .enum(["oauth2_client_credentials", "oauth2"])
    .describe(
      '"oauth2_client_credentials" (dlt) or "oauth2" (the `oauth2` + `token_url` spelling); both mean the client-credentials grant.',
    ),
  access_token_url: z.string().optional().describe("Token endpoint URL (dlt's spelling)."),
  token_url: z
    .string()
    .optional()
    .describe("Token endpoint URL: access_token_url in the `oauth2` + `token_url` spelling."),
  client_id: stringOrSecret().describe(`OAuth2 client id; write it as ${SECRET_SPELLING}.`),
  client_secret: stringOrSecret().describe(`OAuth2 client secret; write it as ${SECRET_SPELLING}.`),
  access_token_request_data: stringOrSecretMap()
    .optional()
    .describe("Extra form fields sent with the token request (e.g. audience)."),
  scopes: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe("Scopes requested with the token."),
  client_auth: z
    .enum(["body", "basic"])
    .optional()
    .describe('How the client credentials are sent: in the form "body" (default) or as HTTP "basic" auth.'),
  default_token_expiration: z
    .number()
    .positive()
    .optional()
    .describe("Token lifetime in seconds when the token response has no expires_in; default 3600."),
}).describe("OAuth2 client-credentials authentication: the token is fetched, cached and refreshed.");

/** The OAuth2 auth config, in either spelling, its secrets resolved. */
export type OAuth2ClientCredentialsConfig = Omit<
  Resolved<z.output<typeof oauth2ClientCredentialsSchema>>,
  "type"
>;

/** Sends the token request: the client supplies its transport so timeouts and pooling apply. */
export type TokenFetcher = (
  url: string,
  form: string,
  headers: Record<string, string>,
) => Promise<{ status: number; text: string }>;

/** Refresh this long before expiry, at most: a request must not leave with a token about to die. */
const MAX_REFRESH_MARGIN_MS = 60_000;

/**
 * OAuth2 client-credentials grant (`oauth2_client_credentials`, or `oauth2` with `token_url`). One token is shared
 * by every request of the client; concurrent requests wait on a single token fetch; it is renewed shortly
 * before `expires_in` runs out and once after a 401.
 */
export class OAuth2ClientCredentialsAuth implements Authenticator {
  readonly type = "oauth2_client_credentials";
  readonly tokenUrl: string;
  private token: string | undefined;
  private expiresAt = 0;
  private refreshAt = 0;
  private inflight: Promise<string> | undefined;
  /** How many tokens were fetched: for tests and the run trace. */
  tokensFetched = 0;

  constructor(
    private readonly cfg: OAuth2ClientCredentialsConfig,
    private readonly fetchToken: TokenFetcher,
    private readonly now: () => number,
  ) {
    const url = cfg.access_token_url ?? cfg.token_url;
    if (!url) {
      throw new AuthError(
        "OAuth2 client credentials auth has no token URL",
        "Set `token_url` (or dlt's `access_token_url`) in the auth config.",
      );
    }
    this.tokenUrl = url;
    registerSecret(cfg.client_secret);
    registerSecret(cfg.client_id);
  }

  async apply(target: AuthTarget): Promise<void> {
    const token = this.token !== undefined && this.now() < this.refreshAt ? this.token : await this.obtain();
    target.headers["authorization"] = `Bearer ${token}`;
  }

  async refresh(sentAuthorization: string | undefined): Promise<boolean> {
    // Another request already replaced the token this one was rejected with: just retry.
    if (this.token !== undefined && sentAuthorization !== `Bearer ${this.token}`) return true;
    this.token = undefined;
    await this.obtain();
    return true;
  }

  private obtain(): Promise<string> {
    if (!this.inflight) {
      this.inflight = this.fetch().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  private async fetch(): Promise<string> {
    const form = new URLSearchParams();
    form.set("grant_type", "client_credentials");
    const scopes = Array.isArray(this.cfg.scopes) ? this.cfg.scopes.join(" ") : this.cfg.scopes;
    if (scopes) form.set("scope", scopes);
    for (const [k, v] of Object.entries(this.cfg.access_token_request_data ?? {})) form.set(k, v);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (this.cfg.client_auth === "basic") {
      headers["authorization"] = basicHeader(
        encodeURIComponent(this.cfg.client_id),
        encodeURIComponent(this.cfg.client_secret),
      );
    } else {
      form.set("client_id", this.cfg.client_id);
      form.set("client_secret", this.cfg.client_secret);
    }
    const where = `OAuth2 token request to ${maskUrl(this.tokenUrl)}`;
    const hint =
      "Check client_id, client_secret and token_url (or access_token_url); some servers want `client_auth: basic`.";
    let res: { status: number; text: string };
    try {
      res = await this.fetchToken(this.tokenUrl, form.toString(), headers);
    } catch (err) {
      throw new AuthError(`${where} failed: ${(err as Error).message}`, hint, err);
    }
    if (res.status < 200 || res.status >= 300) {
      throw new AuthError(`${where} → ${res.status}: ${bodySnippet(res.text)}`, hint);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      throw new AuthError(`${where} → ${res.status}: response is not JSON: ${bodySnippet(res.text)}`, hint);
    }
    const o = (body ?? {}) as Record<string, unknown>;
    const token = o.access_token;
    if (typeof token !== "string" || token === "") {
      throw new AuthError(`${where} → ${res.status}: no access_token in the response`, hint);
    }
    registerSecret(token);
    const expiresIn = Number(o.expires_in);
    const lifetimeMs =
      (Number.isFinite(expiresIn) && expiresIn > 0
        ? expiresIn
        : (this.cfg.default_token_expiration ?? 3600)) * 1000;
    const fetchedAt = this.now();
    this.token = token;
    this.expiresAt = fetchedAt + lifetimeMs;
    this.refreshAt = this.expiresAt - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.tokensFetched++;
    return token;
  }
}

export const oauth2ClientCredentials: AuthRegistration<typeof oauth2ClientCredentialsSchema> = {
  schema: oauth2ClientCredentialsSchema,
  secrets: ["client_secret"],
  create: (config, { fetchToken, now }) => new OAuth2ClientCredentialsAuth(config, fetchToken, now),
};
