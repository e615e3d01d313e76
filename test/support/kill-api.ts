import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RestApiConfigInput } from "../../src/sources/rest_api/index.js";

/**
 * A deterministic loopback API for the kill tests whose data is a pure function of an `epoch` the test
 * advances between runs. Keys only ever appear (users, orders, events grow), so after any sequence of
 * killed and completed runs a merge table must hold exactly the newest epoch's rows; values and nested
 * lists change (and shrink) from epoch to epoch, so a stale version or a stale child row is visible; the
 * replace table drops and re-adds items, so only the newest epoch's set may remain.
 */

export interface KillUser {
  id: number;
  name: string;
  address: { city: string };
  tags: string[];
  email?: string;
  roles?: { role: string }[];
}

/** The schema evolves under the kills: a new column, then a new child table, appear at these epochs. */
export const EMAIL_FROM_EPOCH = 4;
export const ROLES_FROM_EPOCH = 7;
export interface KillOrder {
  order_id: number;
  user_id: number;
  status: string;
  amount: number;
  lines: { sku: string; qty: number }[];
}
export interface KillItem {
  sku: string;
  title: string;
  price: number;
}
export interface KillEvent {
  id: number;
  kind: string;
}

const USERS_PAGE = 10;
const CATALOG_PAGE = 8;
const EVENTS_PAGE = 25;
const STATUSES = ["new", "paid", "shipped"];

export function usersAt(epoch: number): KillUser[] {
  return Array.from({ length: 24 + 2 * epoch }, (_, i) => {
    const id = i + 1;
    // Each user changes every third epoch, staggered, so some change in every epoch and some do not.
    const v = Math.floor((epoch + id) / 3);
    const user: KillUser = {
      id,
      name: `user ${id} v${v}`,
      address: { city: `city ${(id + v) % 5}` },
      tags: Array.from({ length: (id + v) % 4 }, (_, k) => `t${id}-${v}-${k}`),
    };
    if (epoch >= EMAIL_FROM_EPOCH) user.email = `u${id}.v${v}@example.com`;
    if (epoch >= ROLES_FROM_EPOCH)
      user.roles = Array.from({ length: (id + epoch) % 3 }, (_, k) => ({ role: `r${k}` }));
    return user;
  });
}

export function ordersAt(epoch: number, userId: number): KillOrder[] {
  return Array.from({ length: 1 + (userId % 3) + Math.floor(epoch / 4) }, (_, k) => {
    const turn = k + epoch + userId;
    return {
      order_id: userId * 1000 + k,
      user_id: userId,
      status: STATUSES[turn % 3] as string,
      // Never integral: the column stays one DOUBLE whatever order the records come in.
      amount: k + 0.5 + (turn % 2) * 0.25,
      // 0, 1 or 2 lines, different every epoch: a merged order whose lines shrank must lose the old ones.
      lines: Array.from({ length: turn % 3 }, (_, j) => ({
        sku: `s${(turn + j) % 40}`,
        qty: j + 1 + (epoch % 2),
      })),
    };
  });
}

export function catalogAt(epoch: number): KillItem[] {
  const out: KillItem[] = [];
  for (let n = 0; n < 40; n++)
    if ((n * 5 + epoch) % 7 !== 0)
      out.push({ sku: `s${n}`, title: `item ${n}`, price: n + 0.125 + (epoch % 3) * 0.25 });
  return out;
}

export function eventsAt(epoch: number): KillEvent[] {
  return Array.from({ length: 150 + 40 * epoch }, (_, i) => ({
    id: i + 1,
    kind: i % 3 === 0 ? "click" : "view",
  }));
}

/** The config that reads this API: merge (with a child resource), replace, and append + incremental. */
export function killApiConfig(baseUrl: string): RestApiConfigInput {
  return {
    client: { base_url: baseUrl },
    resource_defaults: {
      endpoint: {
        error_handler: { retry_on_status_codes: [500, 502, 503], max_retries: 2, backoff_factor: 0.01 },
      },
    },
    resources: [
      {
        name: "users",
        write_disposition: "merge",
        primary_key: "id",
        endpoint: {
          path: "/users",
          data_selector: "data",
          paginator: { type: "offset", limit: USERS_PAGE, total_path: "total" },
        },
      },
      {
        name: "orders",
        write_disposition: "merge",
        primary_key: "order_id",
        include_from_parent: ["name"],
        endpoint: {
          path: "/users/{resources.users.id}/orders",
          data_selector: "orders",
          paginator: "single_page",
        },
      },
      {
        name: "catalog",
        write_disposition: "replace",
        endpoint: {
          path: "/catalog",
          data_selector: "items",
          paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        },
      },
      {
        name: "events",
        write_disposition: "append",
        endpoint: {
          path: "/events",
          data_selector: "results",
          paginator: { type: "json_link", next_url_path: "next" },
          params: { since: { type: "incremental", cursor_path: "id", initial_value: 0 } },
        },
      },
    ],
  };
}

export interface KillApi {
  url: string;
  setEpoch(epoch: number): void;
  readonly requests: number;
  close(): Promise<void>;
}

/** Serves `*At(epoch)`; every response waits `delayMs` so a run lasts long enough to be killed mid-way. */
export async function startKillApi(delayMs: number): Promise<KillApi> {
  let epoch = 0;
  let requests = 0;
  const send = (res: ServerResponse, body: unknown, status = 200) => {
    setTimeout(() => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    }, delayMs);
  };
  const server: Server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    const orders = /^\/users\/(\d+)\/orders$/.exec(url.pathname);
    if (url.pathname === "/users") {
      const all = usersAt(epoch);
      const offset = Number(q.get("offset") ?? 0);
      const limit = Number(q.get("limit") ?? USERS_PAGE);
      return send(res, { data: all.slice(offset, offset + limit), total: all.length });
    }
    if (orders) {
      const id = Number(orders[1]);
      if (id > usersAt(epoch).length) return send(res, { error: "no such user" }, 404);
      return send(res, { orders: ordersAt(epoch, id) });
    }
    if (url.pathname === "/catalog") {
      const all = catalogAt(epoch);
      const page = Number(q.get("page") ?? 1);
      return send(res, {
        items: all.slice((page - 1) * CATALOG_PAGE, page * CATALOG_PAGE),
        total_pages: Math.ceil(all.length / CATALOG_PAGE),
      });
    }
    if (url.pathname === "/events") {
      // Inclusive like most real APIs: the boundary record comes back and the cursor must dedup it.
      const since = Number(q.get("since") ?? 0);
      const from = Number(q.get("from") ?? 0);
      const rest = eventsAt(epoch).filter((e) => e.id >= since && e.id > from);
      const page = rest.slice(0, EVENTS_PAGE);
      const last = page.at(-1);
      const next =
        rest.length > EVENTS_PAGE && last
          ? `http://127.0.0.1:${port}/events?since=${since}&from=${last.id}`
          : null;
      return send(res, { results: page, next });
    }
    return send(res, { error: "not found" }, 404);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setEpoch(e) {
      epoch = e;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
