import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * A loopback API that misbehaves the way real APIs do, one scenario per path prefix
 * (`/<scenario>/items`). Every scenario serves the same 25 rows (`id` 1–25) in pages of 10 when it
 * behaves, so a run that survives a fault can be checked for exactly those rows.
 *
 * Scenarios (page 2 is the one that misbehaves unless said otherwise):
 * - `ok`: offset pages with a total.
 * - `reset-once`, `reset-always`: the connection is destroyed mid-body (once per page, or every time).
 * - `truncated`: page 2's JSON is cut off (status 200, a matching Content-Length).
 * - `html`: page 2 is an HTML maintenance page with status 200.
 * - `slow-once`, `slow-always`: page 2 answers after `slowMs` (longer than the client's read timeout).
 * - `storm`: page 2 answers 429 with `Retry-After: <retryAfter>` `stormLength` times, then the rows.
 * - `bearer-expiring`: bearer tokens from `/oauth/token` (client credentials), and STATIC_TOKEN, are
 *   valid for `tokenUses` API requests each, then 401.
 * - `ignore-offset`: the same full page whatever the offset, with a total of 1000.
 * - `ignore-page`: page_number pagination that ignores `page`, with 100 total pages.
 * - `cycle-links`: json_link pages a → b → a (distinct records on a and b).
 * - `cycle-cursor`: cursor pages (start) → c1 → c2 → c1.
 * - `many`: 50 real pages of 2 rows (page_number, no total), then an empty page.
 * - `cross-host`: page 2's next link points to `other` (another origin), which serves the rest.
 * - `bomb`: page 2 is a gzip body that expands to `bombBytes`.
 * - `big`: page 2 is a plain chunked body (no Content-Length) of `bombBytes`.
 */
export interface FaultApiOptions {
  slowMs?: number;
  stormLength?: number;
  /** Retry-After of the storm, seconds (default "0.1": sluice reads fractions; tests stay fast). */
  retryAfter?: string;
  tokenUses?: number;
  bombBytes?: number;
  /** Base URL of the other host for `cross-host`. */
  otherUrl?: string;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface FaultApi {
  url: string;
  requests: SeenRequest[];
  /** Access tokens handed out by `/oauth/token`. */
  tokensIssued: number;
  /** Forgets the requests and attempt counts (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export const ROWS = Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `row ${i + 1}` }));
export const PAGE = 10;
export const CLIENT_ID = "fault-client";
export const CLIENT_SECRET = "fault-secret-5d1c9e";
export const TOKEN_PREFIX = "fault-token-7b2e";
export const STATIC_TOKEN = "fault-static-token-3f8a";

/** Returns undefined so that a scenario can `return json(...)` (biome refuses values from void). */
function json(
  res: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): undefined {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
  return undefined;
}

function offsetPage(query: URLSearchParams): { data: unknown[]; total: number } {
  const offset = Number(query.get("offset") ?? 0);
  const limit = Number(query.get("limit") ?? PAGE);
  return { data: ROWS.slice(offset, offset + limit), total: ROWS.length };
}

/** Headers and half the body, then the socket is destroyed: the client sees a reset mid-body. */
function resetMidBody(res: ServerResponse, body: unknown): undefined {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
  return undefined;
}

/** A gzip stream of `bytes` zeros, built from repeated 1 MiB members (valid gzip, built in ms). */
export function gzipBomb(bytes: number): Buffer {
  const mib = 1024 * 1024;
  const member = gzipSync(Buffer.alloc(mib, 0x20));
  return Buffer.concat(Array.from({ length: Math.ceil(bytes / mib) }, () => member));
}

export async function startFaultApi(options: FaultApiOptions = {}): Promise<FaultApi> {
  const slowMs = options.slowMs ?? 1500;
  const stormLength = options.stormLength ?? 3;
  const tokenUses = options.tokenUses ?? 2;
  const requests: SeenRequest[] = [];
  const attempts = new Map<string, number>();
  const tokens = new Map<string, number>([[STATIC_TOKEN, 0]]);
  const timers = new Set<NodeJS.Timeout>();
  let bomb: Buffer | undefined;
  const api = {
    url: "",
    requests,
    tokensIssued: 0,
    reset: () => {
      requests.length = 0;
      attempts.clear();
    },
    close: async () => {},
  } satisfies FaultApi;

  /** How many times this exact request (path and query) was seen, this one included. */
  const attempt = (req: SeenRequest): number => {
    const key = `${req.path}?${req.query.toString()}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return n;
  };

  const handle = (req: SeenRequest, res: ServerResponse): undefined => {
    const [, scenario = "", ...rest] = req.path.split("/");
    const tail = rest.join("/");
    const offset = Number(req.query.get("offset") ?? 0);
    const secondPage = offset === PAGE;
    switch (scenario) {
      case "ok":
        return json(res, offsetPage(req.query));
      case "reset-once":
        if (secondPage && attempt(req) === 1) return resetMidBody(res, offsetPage(req.query));
        return json(res, offsetPage(req.query));
      case "reset-always":
        if (secondPage) return resetMidBody(res, offsetPage(req.query));
        return json(res, offsetPage(req.query));
      case "truncated": {
        if (!secondPage) return json(res, offsetPage(req.query));
        const text = JSON.stringify(offsetPage(req.query));
        const cut = text.slice(0, text.length - 20);
        res.writeHead(200, { "content-type": "application/json", "content-length": String(cut.length) });
        return void res.end(cut);
      }
      case "html":
        if (!secondPage) return json(res, offsetPage(req.query));
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return void res.end("<!doctype html><html><body><h1>Down for maintenance</h1></body></html>");
      case "slow-once":
      case "slow-always": {
        const slow = secondPage && (scenario === "slow-always" || attempt(req) === 1);
        if (!slow) return json(res, offsetPage(req.query));
        const t = setTimeout(() => {
          timers.delete(t);
          if (!res.destroyed) json(res, offsetPage(req.query));
        }, slowMs);
        timers.add(t);
        return undefined;
      }
      case "storm":
        if (secondPage && attempt(req) <= stormLength)
          return json(res, { error: "rate limited" }, 429, { "retry-after": options.retryAfter ?? "0.1" });
        return json(res, offsetPage(req.query));
      case "oauth":
        return issueToken(req, res);
      case "bearer-expiring": {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const uses = token === undefined ? undefined : tokens.get(token);
        if (uses === undefined || uses >= tokenUses)
          return json(res, { error: "invalid_token", detail: "the access token expired" }, 401);
        tokens.set(token!, uses + 1);
        return json(res, offsetPage(req.query));
      }
      case "ignore-offset":
        return json(res, { data: ROWS.slice(0, PAGE), total: 1000 });
      case "ignore-page":
        return json(res, { data: ROWS.slice(0, PAGE), total_pages: 100 });
      case "cycle-links": {
        const page = tail === "b" ? ROWS.slice(PAGE, 2 * PAGE) : ROWS.slice(0, PAGE);
        return json(res, { data: page, next: tail === "b" ? "/cycle-links/a" : "/cycle-links/b" });
      }
      case "cycle-cursor": {
        const cursor = req.query.get("cursor");
        const at = cursor === null ? 0 : cursor === "c1" ? 1 : 2;
        const next = cursor === "c2" ? "c1" : cursor === "c1" ? "c2" : "c1";
        return json(res, { data: ROWS.slice(at * PAGE, (at + 1) * PAGE), next_cursor: next });
      }
      case "many": {
        const page = Number(req.query.get("page") ?? 1);
        const data =
          page <= 50 ? [0, 1].map((i) => ({ id: (page - 1) * 2 + i + 1, name: `same shape ${i}` })) : [];
        return json(res, { data });
      }
      case "cross-host": {
        if (offset === 0) {
          const next = `${options.otherUrl ?? api.url}/elsewhere/items?offset=${PAGE}&limit=${PAGE}`;
          return json(res, { data: ROWS.slice(0, PAGE), next });
        }
        return json(res, { error: "page 2 lives on the other host" }, 404);
      }
      case "elsewhere": {
        const page = offsetPage(req.query);
        const nextOffset = offset + PAGE;
        const next = nextOffset < ROWS.length ? `/elsewhere/items?offset=${nextOffset}&limit=${PAGE}` : null;
        return json(res, { data: page.data, next });
      }
      case "bomb": {
        if (!secondPage) return json(res, offsetPage(req.query));
        bomb ??= gzipBomb(options.bombBytes ?? 32 * 1024 * 1024);
        res.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": String(bomb.length),
        });
        return void res.end(bomb);
      }
      case "big": {
        if (!secondPage) return json(res, offsetPage(req.query));
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = options.bombBytes ?? 32 * 1024 * 1024;
        const pump = (): undefined => {
          while (left > 0) {
            if (res.destroyed) return;
            left -= chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
          return undefined;
        };
        res.on("error", () => undefined);
        return pump();
      }
      default:
        return json(res, { error: `no scenario ${scenario}` }, 404);
    }
  };

  const issueToken = (req: SeenRequest, res: ServerResponse): undefined => {
    const form = new URLSearchParams(req.body);
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, "base64").toString("utf8").split(":")
      : [form.get("client_id"), form.get("client_secret")];
    if (id !== CLIENT_ID || secret !== CLIENT_SECRET) return json(res, { error: "invalid_client" }, 401);
    api.tokensIssued++;
    const token = `${TOKEN_PREFIX}-${api.tokensIssued}`;
    tokens.set(token, 0);
    // The server says an hour: the token "expires" early on its side, as revoked or rotated tokens do.
    return json(res, { access_token: token, token_type: "Bearer", expires_in: 3600 });
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      try {
        handle(seen, res);
      } catch (err) {
        if (!res.headersSent) json(res, { error: String(err) }, 500);
      }
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return api;
}
