import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A loopback API behind every built-in auth type, for record and replay tests. `/<auth>/items` serves 25
 * rows (offset pages of 10, with a total) once the credential is right; the second page fails once
 * (`/bearer`: 429 with Retry-After, `/basic`: 500) so a cassette holds retries. `/inc/items?since=` filters
 * rows by `updated_at` (an incremental cursor). Tokens from `/oauth/token` differ on every call.
 */
export const SECRETS = {
  token: "bearer-secret-token-41c7",
  headerKey: "header-api-key-9d02",
  queryKey: "query-api-key-5e8b",
  user: "basic-user",
  password: "basic-password-77aa",
  clientId: "cassette-client-id",
  clientSecret: "cassette-client-secret-3f1",
} as const;
export const ACCESS_TOKEN_PREFIX = "issued-access-token-c0ffee";

export const ROWS = Array.from({ length: 25 }, (_, i) => ({
  id: i + 1,
  name: `row ${i + 1}`,
  updated_at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  tags: i % 3 === 0 ? ["a", "b"] : [],
}));

export interface CassetteApi {
  url: string;
  /** Paths and queries seen, in order. */
  seen: string[];
  /** Access tokens issued, in order. */
  tokens: string[];
  close(): Promise<void>;
}

export interface CassetteApiOptions {
  /** Retry-After of the 429 on `/bearer`, seconds. */
  retryAfter?: string;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): undefined {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
  return undefined;
}

export async function startCassetteApi(options: CassetteApiOptions = {}): Promise<CassetteApi> {
  const seen: string[] = [];
  const tokens: string[] = [];
  const failedOnce = new Set<string>();
  const handle = (req: IncomingMessage, body: string, res: ServerResponse): undefined => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    const [, auth = ""] = url.pathname.split("/");
    const h = req.headers;
    if (url.pathname === "/oauth/token") {
      const form = new URLSearchParams(body);
      if (form.get("client_id") !== SECRETS.clientId || form.get("client_secret") !== SECRETS.clientSecret)
        return json(res, 401, { error: "invalid_client" });
      const token = `${ACCESS_TOKEN_PREFIX}-${Date.now()}-${tokens.length + 1}`;
      tokens.push(token);
      return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
    }
    const basic = `Basic ${Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString("base64")}`;
    const ok =
      (auth === "bearer" && h.authorization === `Bearer ${SECRETS.token}`) ||
      (auth === "key-header" && h["x-api-key"] === SECRETS.headerKey) ||
      (auth === "key-query" && url.searchParams.get("api_key") === SECRETS.queryKey) ||
      (auth === "basic" && h.authorization === basic) ||
      (auth === "oauth" && tokens.some((t) => h.authorization === `Bearer ${t}`)) ||
      auth === "inc";
    if (!ok) return json(res, 401, { error: "unauthorized" });
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 10);
    const key = `${auth}:${offset}`;
    if (offset === 10 && !failedOnce.has(key) && (auth === "bearer" || auth === "basic")) {
      failedOnce.add(key);
      if (auth === "bearer")
        return json(res, 429, { error: "slow down" }, { "retry-after": options.retryAfter ?? "0.1" });
      return json(res, 500, { error: "oops" });
    }
    const since = url.searchParams.get("since");
    const rows = since === null ? ROWS : ROWS.filter((r) => r.updated_at > since);
    return json(res, 200, { data: rows.slice(offset, offset + limit), total: rows.length });
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, Buffer.concat(chunks).toString("utf8"), res));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
