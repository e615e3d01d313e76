import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHttpServer, type TestServer } from "./http-server.js";

/**
 * A loopback shop API shaped for scaled-out runs: orders paged by offset with a total (split into page
 * windows), lines of each order (a child, fanned out over batches of orders), customers paged by page
 * number with a page count (merged by id), and events behind a cursor (no total: one partition).
 */
export interface PartitionApi {
  api: TestServer;
  /** Every response waits this long (a latency-bound API). */
  delayMs: number;
  /** Offsets of /orders answered 404 (a permanently failing partition). */
  failOffsets: Set<number>;
  /** Orders served: change between runs to test incremental state. */
  orders: number;
  /** Requests answered per path, for tests that look at resumption. */
  served: Map<string, number>;
}

export const ORDERS_PAGE = 10;

export function order(i: number): Record<string, unknown> {
  return {
    id: i,
    customer_id: i % 7,
    total: i % 3 === 0 ? `${i}.50` : i * 1.5,
    updated_at: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
    tags: i % 2 === 0 ? ["even", `t${i % 5}`] : [],
    shipping: { city: `city-${i % 4}`, express: i % 5 === 0 },
  };
}

export async function startPartitionApi(
  options: { orders?: number; delayMs?: number } = {},
): Promise<PartitionApi> {
  const state: Omit<PartitionApi, "api"> = {
    delayMs: options.delayMs ?? 0,
    failOffsets: new Set(),
    orders: options.orders ?? 120,
    served: new Map(),
  };
  const api = await startHttpServer(async (req, res) => {
    const url = new URL(req.path, "http://x");
    const path = url.pathname;
    state.served.set(path, (state.served.get(path) ?? 0) + 1);
    if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
    res.setHeader("content-type", "application/json");
    const json = (body: unknown): void => {
      res.end(JSON.stringify(body));
    };
    if (path === "/orders") {
      const offset = Number(req.query.get("offset") ?? 0);
      const limit = Number(req.query.get("limit") ?? ORDERS_PAGE);
      if (state.failOffsets.has(offset)) {
        res.statusCode = 404;
        return json({ error: "page gone" });
      }
      const ids = [];
      for (let i = offset + 1; i <= Math.min(state.orders, offset + limit); i++) ids.push(i);
      return json({ data: ids.map(order), total: state.orders });
    }
    const lines = /^\/orders\/(\d+)\/lines$/.exec(path);
    if (lines !== null) {
      const id = Number(lines[1]);
      return json(
        Array.from({ length: id % 3 }, (_, k) => ({
          line: k + 1,
          sku: `sku-${(id * 7 + k) % 13}`,
          qty: k + 1,
        })),
      );
    }
    if (path === "/customers") {
      const page = Number(req.query.get("page") ?? 1);
      const perPage = 5;
      const all = 23;
      const rows = [];
      for (let i = (page - 1) * perPage + 1; i <= Math.min(all, page * perPage); i++)
        rows.push({ id: i % 20, name: `customer ${i}`, since: `2023-0${(i % 9) + 1}-01` });
      return json({ customers: rows, pages: Math.ceil(all / perPage) });
    }
    if (path === "/events") {
      const cursor = Number(req.query.get("cursor") ?? 0);
      const rows = Array.from({ length: 5 }, (_, k) => ({
        seq: cursor * 5 + k,
        kind: k % 2 ? "view" : "click",
      }));
      return json({ events: rows, next: cursor < 5 ? String(cursor + 1) : null });
    }
    res.statusCode = 404;
    json({ error: `no route ${path}` });
  });
  return Object.assign(state, { api });
}

/** `shop.yaml` in `dir` for the API: roots, a child, merge and append tables, an incremental cursor. */
export function writePartitionConfig(
  dir: string,
  apiUrl: string,
  options: { file?: string; pageConcurrency?: number; bearerSecret?: string } = {},
): string {
  const auth =
    options.bearerSecret === undefined
      ? ""
      : `\n  auth: { type: bearer, token: "\${secrets.${options.bearerSecret}}" }`;
  const file = options.file ?? "shop.yaml";
  const concurrency =
    options.pageConcurrency === undefined ? "" : `\n    page_concurrency: ${options.pageConcurrency}`;
  const path = join(dir, file);
  writeFileSync(
    path,
    `client:
  base_url: ${apiUrl}${auth}
resources:
  - name: orders
    primary_key: id
    write_disposition: merge${concurrency}
    endpoint:
      path: /orders
      data_selector: data
      paginator: { type: offset, limit: ${ORDERS_PAGE}, total_path: total }
      incremental: { cursor_path: updated_at, initial_value: "2023-12-31T00:00:00Z" }
  - name: order_lines
    write_disposition: append
    include_from_parent: [id]
    endpoint:
      path: /orders/{resources.orders.id}/lines
      paginator: single_page
  - name: customers
    primary_key: id
    write_disposition: merge
    endpoint:
      path: /customers
      data_selector: customers
      paginator: { type: page_number, base_page: 1, total_path: pages }
  - name: events
    write_disposition: append
    endpoint:
      path: /events
      data_selector: events
      paginator: { type: cursor, cursor_path: next, cursor_param: cursor }
`,
  );
  return path;
}
