import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

export interface RecordedRequest {
  method: string;
  url: string;
  /** Path plus query, as received. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `http://<host>:<port>` */
  url: string;
  host: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the handler between tests. */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** A real loopback HTTP server for tests: records every request, answers with the current handler. */
export async function startHttpServer(handler: Handler = notFound, host = "127.0.0.1"): Promise<TestServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        url: `http://${host}:${port}${path}`,
        path,
        query: new URL(path, "http://x").searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      Promise.resolve(current(recorded, res)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    host,
    port,
    requests,
    handle(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function notFound(_req: RecordedRequest, res: ServerResponse): void {
  res.statusCode = 404;
  res.end("not found");
}

export function sendJson(
  res: ServerResponse,
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Timers for RestClient that record every wait and sleep only a thousandth of it. */
export function fastTimers(scale = 0.001): {
  sleeps: number[];
  skewMs: { value: number };
  timers: { sleep: (ms: number) => Promise<void>; now: () => number; random: () => number };
} {
  const sleeps: number[] = [];
  const skewMs = { value: 0 };
  return {
    sleeps,
    skewMs,
    timers: {
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((r) => setTimeout(r, ms * scale));
      },
      now: () => Date.now() + skewMs.value,
      random: () => 0.5,
    },
  };
}

/**
 * A loopback server for the tests of one file: started before the first, closed after the last. The
 * object is filled in when it starts, so a test file can hold it in a `const` at its top.
 */
export function serverForFile(handler: Handler): TestServer {
  const server = {} as TestServer;
  beforeAll(async () => {
    Object.assign(server, await startHttpServer(handler));
  });
  afterAll(() => server.close());
  return server;
}
