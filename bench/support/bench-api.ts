// The benchmark's API: a loopback server in its own process (started with `fork`), so serving pages does
// not compete with the client for its event loop. Offset pagination with the total reported, 1,000
// records per page by default, about 250 bytes per record with a nested object, optional latency.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface BenchApiOptions {
  records: number;
  latencyMs: number;
}

const STATUSES = ["active", "pending", "closed", "archived"];
const COUNTRIES = ["DE", "FR", "US", "JP", "BR", "IN", "NG", "AU"];
const BASE_TS = Date.parse("2024-01-01T00:00:00Z");

/** One record as JSON text (about 250 bytes): built as text so serving is cheaper than parsing. */
function recordJson(i: number): string {
  const created = new Date(BASE_TS + i * 1000).toISOString();
  return (
    `{"id":${i},"name":"customer ${i}","email":"customer${i}@example.com","status":"${STATUSES[i % 4]}",` +
    `"score":${(i % 1000) / 8},"verified":${i % 3 === 0},"created_at":"${created}",` +
    `"address":{"street":"${i % 997} Main Street","city":"city ${i % 500}","country":"${COUNTRIES[i % 8]}",` +
    `"geo":{"lat":${(i % 180) - 90},"lon":${(i % 360) - 180}}}}`
  );
}

export function pageBody(offset: number, limit: number, total: number): string {
  const end = Math.min(total, offset + limit);
  const parts: string[] = [];
  for (let i = offset; i < end; i++) parts.push(recordJson(i));
  return `{"data":[${parts.join(",")}],"total":${total}}`;
}

export function serveBenchApi(options: BenchApiOptions): void {
  // Each page is built once (the bench's warm-up requests them all) and served from memory after: the
  // server must cost far less than the client it measures.
  const built = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 1000);
    const key = `${offset}:${limit}`;
    let body = built.get(key);
    if (body === undefined) {
      body = Buffer.from(pageBody(offset, limit, options.records));
      built.set(key, body);
    }
    const send = () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body as Buffer);
    };
    if (options.latencyMs > 0) setTimeout(send, options.latencyMs);
    else send();
  });
  server.keepAliveTimeout = 60_000;
  // Bounded: the parent kills this process when it is done; an orphan ends with its parent's channel.
  process.on("disconnect", () => process.exit(0));
  server.listen(0, "127.0.0.1", () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
}
