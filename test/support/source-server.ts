import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DataRecord } from "../../src/core/json.js";
import { silentLogger } from "../../src/core/logger.js";
import type { Resource, ResourceContext } from "../../src/core/resource.js";

/** A request as the loopback API saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SourceServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP API for source tests: every request is recorded, then answered by `handle`. */
export async function startSourceServer(handle: (req: SeenRequest) => Reply): Promise<SourceServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      requests.push(seen);
      let reply: Reply;
      try {
        reply = handle(seen);
      } catch (err) {
        reply = { status: 500, body: { error: String(err) } };
      }
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export function sourceContext(state: ResourceContext["state"] = {}): ResourceContext {
  return {
    state,
    signal: new AbortController().signal,
    logger: silentLogger,
    metrics: { pages: 0, records: 0, retries: 0, requests: 0 },
  };
}

/** Reads a resource to the end, flattening page batches into records. */
export async function readAll(
  resource: Resource,
  ctx: ResourceContext,
  parent?: DataRecord,
): Promise<DataRecord[]> {
  const out: DataRecord[] = [];
  for await (const item of resource.read(ctx, parent)) {
    if (Array.isArray(item)) out.push(...item);
    else out.push(item);
  }
  return out;
}
