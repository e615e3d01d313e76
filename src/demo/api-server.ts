import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type DatasetName, DEFAULT_COUNTS, slice } from "./datasets.js";

/**
 * The bundled demo API: a small analytics API on loopback that speaks each seed system's shape —
 * OAuth2 client credentials, a static bearer token, an API key in the query; offset and page-number
 * pagination; nested objects and lists; and a deterministic 429 now and then, so retries show up in
 * every run.
 */
export interface DemoCredentials {
  client_id: string;
  client_secret: string;
  /** Static bearer token (seed 002). */
  api_token: string;
  /** Query-string API key (seed 004). */
  api_key: string;
}

/** Well-known demo values: the demo API is local and its data fake, so these are not secrets. */
export const DEMO_CREDENTIALS: Readonly<DemoCredentials> = {
  client_id: "demo-client",
  client_secret: "demo-client-secret",
  api_token: "demo-api-token",
  api_key: "demo-api-key",
};

export interface DemoApiOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  credentials?: Partial<DemoCredentials>;
  /** Every Nth data request answers 429; 0 disables. Default 7. */
  throttleEvery?: number;
  /** Retry-After seconds sent with a 429. Default 1. */
  retryAfterSeconds?: number;
  tokenTtlSeconds?: number;
  counts?: Partial<Record<DatasetName, number>>;
}

export interface DemoApiStats {
  requests: number;
  tokenRequests: number;
  throttled: number;
  unauthorized: number;
  byPath: Record<string, number>;
}

export interface DemoApi {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly credentials: Readonly<DemoCredentials>;
  readonly stats: DemoApiStats;
  close(): Promise<void>;
}

type Auth = "oauth" | "bearer" | "api_key";

interface Route {
  dataset: DatasetName;
  paging: "offset" | "page_number";
  auth: Auth;
}

const OAUTH_OFFSET = (dataset: DatasetName): Route => ({ dataset, paging: "offset", auth: "oauth" });

const ROUTES: Readonly<Record<string, Route>> = {
  "/v1/analytics": OAUTH_OFFSET("analytics"),
  "/v1/businesses": OAUTH_OFFSET("businesses"),
  "/v1/connections": OAUTH_OFFSET("connections"),
  "/v1/customers": OAUTH_OFFSET("customers"),
  "/v1/events": OAUTH_OFFSET("events"),
  "/v1/organizations": OAUTH_OFFSET("organizations"),
  "/v1/repositories": OAUTH_OFFSET("repositories"),
  // Seed 002: base URL `/v2` joined with path `/v1/resource`, dlt's way (the base path is kept).
  "/v2/v1/resource": { dataset: "items", paging: "page_number", auth: "bearer" },
};

/** Token endpoints: each seed spells its token URL differently. */
const TOKEN_PATHS = new Set(["/oauth/token", "/token", "/getAccess"]);

export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const credentials: DemoCredentials = { ...DEMO_CREDENTIALS, ...options.credentials };
  const throttleEvery = options.throttleEvery ?? 7;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const ttl = options.tokenTtlSeconds ?? 3600;
  const counts = { ...DEFAULT_COUNTS, ...options.counts };
  const tokens = new Map<string, number>();
  const stats: DemoApiStats = { requests: 0, tokenRequests: 0, throttled: 0, unauthorized: 0, byPath: {} };
  let dataRequests = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://demo.invalid");
    stats.requests++;
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;

    if (TOKEN_PATHS.has(url.pathname)) {
      stats.tokenRequests++;
      if (req.method !== "POST") return send(res, 405, { error: "method_not_allowed" });
      const form = await readForm(req);
      const basic = parseBasic(req.headers.authorization);
      const id = form.get("client_id") ?? basic?.[0];
      const secret = form.get("client_secret") ?? basic?.[1];
      if (form.get("grant_type") !== "client_credentials")
        return send(res, 400, { error: "unsupported_grant_type" });
      if (id !== credentials.client_id || secret !== credentials.client_secret) {
        stats.unauthorized++;
        return send(res, 401, { error: "invalid_client" });
      }
      const token = `demo-at-${randomBytes(12).toString("hex")}`;
      tokens.set(token, Date.now() + ttl * 1000);
      return send(res, 200, { access_token: token, token_type: "Bearer", expires_in: ttl });
    }

    const route = resolveRoute(url, req.headers.authorization, credentials);
    if (!route) return send(res, 404, { error: "not_found", path: url.pathname });
    if (req.method !== "GET") return send(res, 405, { error: "method_not_allowed" });
    if (!authorized(route.auth, url, req.headers.authorization, credentials, tokens)) {
      stats.unauthorized++;
      res.setHeader("WWW-Authenticate", 'Bearer realm="demo"');
      return send(res, 401, { error: "unauthorized", message: "missing or invalid credentials" });
    }

    dataRequests++;
    if (throttleEvery > 0 && dataRequests % throttleEvery === 0) {
      stats.throttled++;
      res.setHeader("Retry-After", String(retryAfter));
      return send(res, 429, { error: "rate_limited", message: `retry after ${retryAfter}s` });
    }

    const total = counts[route.dataset];
    if (route.paging === "offset") {
      const limit = clampInt(url.searchParams.get("limit"), 100, 1, 1000);
      const offset = clampInt(url.searchParams.get("offset"), 0, 0, Number.MAX_SAFE_INTEGER);
      return send(res, 200, { data: slice(route.dataset, total, offset, limit), total, limit, offset });
    }
    const perPage = clampInt(url.searchParams.get("per_page"), 10, 1, 100);
    const page = clampInt(url.searchParams.get("page"), 1, 1, Number.MAX_SAFE_INTEGER);
    return send(res, 200, {
      items: slice(route.dataset, total, (page - 1) * perPage, perPage),
      page,
      per_page: perPage,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { error: "internal", message: String(err) });
      else res.destroy();
    });
  });
  // Keep-alive sockets would otherwise hold close() open until they time out.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    credentials,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * `/v1/resource` is two seeds' path: seed 004 (API key in the query, offset) and, when a client joins
 * `/v2` + `/v1/resource` by replacing the base path, seed 002 (bearer, page numbers). The credential tells them apart.
 */
function resolveRoute(
  url: URL,
  authorization: string | undefined,
  creds: DemoCredentials,
): Route | undefined {
  const route = ROUTES[url.pathname];
  if (route) return route;
  if (url.pathname !== "/v1/resource") return undefined;
  if (authorization === `Bearer ${creds.api_token}`)
    return { dataset: "items", paging: "page_number", auth: "bearer" };
  return { dataset: "resources", paging: "offset", auth: "api_key" };
}

function authorized(
  auth: Auth,
  url: URL,
  authorization: string | undefined,
  creds: DemoCredentials,
  tokens: Map<string, number>,
): boolean {
  if (auth === "api_key") return url.searchParams.get("api_key") === creds.api_key;
  const bearer = authorization?.startsWith("Bearer ") ? authorization.slice(7) : undefined;
  if (bearer === undefined) return false;
  if (auth === "bearer") return bearer === creds.api_token;
  const expires = tokens.get(bearer);
  return expires !== undefined && expires > Date.now();
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  const n = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, n));
}

function parseBasic(header: string | undefined): [string, string] | undefined {
  if (!header?.startsWith("Basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const at = decoded.indexOf(":");
  if (at < 0) return undefined;
  return [decodeURIComponent(decoded.slice(0, at)), decodeURIComponent(decoded.slice(at + 1))];
}

/** Reads a form body (or a JSON body, which some clients send) into search params. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if ((req.headers["content-type"] ?? "").includes("application/json")) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>;
      return new URLSearchParams(Object.entries(obj).map(([k, v]): [string, string] => [k, String(v)]));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
