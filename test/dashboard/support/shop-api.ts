import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback shop API for the dashboard's browser test (127.0.0.1 only).
 * - `GET /orders?page=N`: page-number paging over ORDER_PAGES pages of ORDERS_PER_PAGE orders. Each order has
 *   a nested `items` list (→ child table `orders__items`), a `name` that is NULL, empty text or text, and a
 *   nested `meta` object (loaded as a JSON column). From generation 2 on, orders gain a `discount` field.
 * - `GET /events?page=N`: SLOW_PAGES pages, each answered after SLOW_DELAY_MS, for a run to watch live.
 */
export const ORDER_PAGES = 3;
export const ORDERS_PER_PAGE = 4;
export const SLOW_PAGES = 14;
export const SLOW_PER_PAGE = 5;
export const SLOW_DELAY_MS = 300;

/** Items of order `id`: 1 to 3. */
export const itemsOf = (id: number) => (id % 3) + 1;

export interface ShopApi {
  url: string;
  /** 1: the first shape; 2: orders gain `discount`. */
  setGeneration(gen: number): void;
  close(): Promise<void>;
}

function order(id: number, gen: number) {
  return {
    id,
    name: id % 3 === 0 ? null : id % 3 === 1 ? "" : `order ${id}`,
    meta: { channel: id % 2 ? "web" : "store", dims: { w: id, h: null }, tags: ["a", "b"] },
    items: Array.from({ length: itemsOf(id) }, (_, j) => ({ sku: `sku-${id}-${j}`, qty: j + 1 })),
    ...(gen >= 2 ? { discount: id / 10 } : {}),
  };
}

export async function startShopApi(): Promise<ShopApi> {
  let gen = 1;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const page = Number(url.searchParams.get("page") ?? 1);
    const send = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/orders") {
      const data =
        page > ORDER_PAGES
          ? []
          : Array.from({ length: ORDERS_PER_PAGE }, (_, i) =>
              order((page - 1) * ORDERS_PER_PAGE + i + 1, gen),
            );
      send({ data, total_pages: ORDER_PAGES });
      return;
    }
    if (url.pathname === "/events") {
      const data =
        page > SLOW_PAGES
          ? []
          : Array.from({ length: SLOW_PER_PAGE }, (_, i) => ({
              id: (page - 1) * SLOW_PER_PAGE + i + 1,
              kind: "tick",
            }));
      const timer = setTimeout(() => send({ data, total_pages: SLOW_PAGES }), SLOW_DELAY_MS);
      res.on("close", () => clearTimeout(timer));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "not found" }));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setGeneration(g) {
      gen = g;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The configs the test runs: `shop` (orders with a child table) and `slow` (one page every SLOW_DELAY_MS). */
export function shopConfig(apiUrl: string) {
  return {
    client: { base_url: `${apiUrl}/` },
    resources: [
      {
        name: "orders",
        primary_key: "id",
        write_disposition: "merge",
        columns: { meta: { data_type: "json" } },
        endpoint: {
          path: "orders",
          data_selector: "data",
          paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        },
      },
    ],
  };
}

export function slowConfig(apiUrl: string) {
  return {
    client: { base_url: `${apiUrl}/` },
    resources: [
      {
        name: "events",
        page_concurrency: 1,
        endpoint: {
          path: "events",
          data_selector: "data",
          paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        },
      },
    ],
  };
}
