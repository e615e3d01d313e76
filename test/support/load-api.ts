import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RestApiConfigInput } from "../../src/sources/rest_api/index.js";

/**
 * A loopback API for the load test: `/r/<n>?page=<p>` serves `pages` pages of `perPage` records for each
 * of `resources` resources, behind a fixed-window rate limit that it announces on every response
 * (`RateLimit-Remaining`, `RateLimit-Reset`), and enforces with 429 + `Retry-After` once a client sends
 * more than its requests in flight past the quota. It counts the TCP connections it holds, so a test can tell whether a client left sockets open.
 */
export interface LoadApiOptions {
  resources: number;
  pages: number;
  perPage: number;
  /** Requests allowed per window. */
  quota: number;
  /**
   * Requests a window still serves past its quota: the ones a client already had in flight when the
   * response saying "0 remaining" reached it. Anything beyond is a request sent after that: refused.
   */
  overdraft: number;
  windowMs: number;
}

export interface LoadApiStats {
  requests: number;
  /** Body bytes of the pages served. */
  bytes: number;
  /** Requests refused because the window's quota was spent. */
  refused: number;
  /** Windows that ran out of quota: how often a well-behaved client had to pause. */
  exhaustedWindows: number;
  openConnections: number;
  peakConnections: number;
  connections: number;
}

export interface LoadApi {
  url: string;
  stats: LoadApiStats;
  /** Resolves once no connection is open, or with the count still open after `ms`. */
  connectionsAfter(ms: number): Promise<number>;
  close(): Promise<void>;
}

const PAD = "x".repeat(300);

export async function startLoadApi(options: LoadApiOptions): Promise<LoadApi> {
  const stats: LoadApiStats = {
    requests: 0,
    bytes: 0,
    refused: 0,
    exhaustedWindows: 0,
    openConnections: 0,
    peakConnections: 0,
    connections: 0,
  };
  let windowStart = Date.now();
  let used = 0;
  const server: Server = createServer((req, res) => {
    stats.requests++;
    const now = Date.now();
    if (now - windowStart >= options.windowMs) {
      windowStart = now - ((now - windowStart) % options.windowMs);
      used = 0;
    }
    used++;
    const leftMs = Math.max(1, windowStart + options.windowMs - now);
    // Windows shorter than a second need a fractional reset (as Discord's X-RateLimit-Reset-After has);
    // Retry-After is whole seconds by HTTP's grammar.
    const resetS = (leftMs / 1000).toFixed(3);
    const retryAfterS = String(Math.ceil(leftMs / 1000));
    const remaining = Math.max(0, options.quota - used);
    if (used === options.quota) stats.exhaustedWindows++;
    const limitHeaders = {
      "ratelimit-limit": String(options.quota),
      "ratelimit-remaining": String(remaining),
      "ratelimit-reset": resetS,
    };
    if (used > options.quota + options.overdraft) {
      stats.refused++;
      res.writeHead(429, {
        "content-type": "application/json",
        "retry-after": retryAfterS,
        ...limitHeaders,
      });
      res.end('{"error":"rate limited"}');
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/r\/(\d+)$/.exec(url.pathname);
    const resource = Number(m?.[1] ?? -1);
    const page = Number(url.searchParams.get("page") ?? 1);
    if (!m || resource >= options.resources || page < 1) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":"not found"}');
      return;
    }
    const data =
      page > options.pages
        ? []
        : Array.from({ length: options.perPage }, (_, i) => {
            const id = (page - 1) * options.perPage + i;
            return { id, resource, page, value: i / 4, note: `${resource}:${id}:${PAD}` };
          });
    const body = JSON.stringify({ data, total_pages: options.pages });
    stats.bytes += body.length;
    res.writeHead(200, { "content-type": "application/json", ...limitHeaders });
    res.end(body);
  });
  // Longer than any run: only the client closing its sockets closes them, so a leak stays visible.
  server.keepAliveTimeout = 120_000;
  server.on("connection", (socket) => {
    stats.connections++;
    stats.openConnections++;
    stats.peakConnections = Math.max(stats.peakConnections, stats.openConnections);
    socket.on("close", () => {
      stats.openConnections--;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async connectionsAfter(ms) {
      const until = Date.now() + ms;
      while (stats.openConnections > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return stats.openConnections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A config with one page-number resource per API resource, all into their own tables. */
export function loadApiConfig(baseUrl: string, resources: number): RestApiConfigInput {
  return {
    client: { base_url: baseUrl },
    resource_defaults: {
      endpoint: {
        data_selector: "data",
        paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        error_handler: { retry_on_status_codes: [429, 503], max_retries: 5, backoff_factor: 0.1 },
      },
    },
    resources: Array.from({ length: resources }, (_, n) => ({
      name: `r${String(n).padStart(3, "0")}`,
      endpoint: { path: `/r/${n}` },
    })),
  };
}
