import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHttpServer, type TestServer } from "./http-server.js";

/**
 * A loopback orders API with an incremental cursor: it serves the orders with id > `since`, and the test
 * changes `orders` between runs. With `writeOrdersConfig`, the pipeline a refused-package test runs.
 */
export async function startOrdersApi(): Promise<{ api: TestServer; orders: Record<string, unknown>[] }> {
  const orders: Record<string, unknown>[] = [];
  const api = await startHttpServer((req, res) => {
    const since = Number(req.query.get("since") ?? 0);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ items: orders.filter((o) => Number(o["id"]) > since) }));
  });
  return { api, orders };
}

/** `shop.json` in `dir`: the orders resource, appended by id, read from where `since` left off. */
export function writeOrdersConfig(dir: string, apiUrl: string): void {
  writeFileSync(
    join(dir, "shop.json"),
    JSON.stringify({
      client: { base_url: apiUrl },
      resource_defaults: { primary_key: "id", write_disposition: "append" },
      resources: [
        {
          name: "orders",
          endpoint: {
            path: "/orders",
            data_selector: "items",
            paginator: "single_page",
            params: { since: { type: "incremental", cursor_path: "id", initial_value: 0 } },
          },
        },
      ],
    }),
  );
}
