import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { apiRoutes } from "./api.js";
import { appShell, readAsset } from "./assets.js";
import { LiveEvents } from "./live-events.js";
import { Workspace, type WorkspaceOptions } from "./workspace.js";

export interface DashboardOptions extends WorkspaceOptions {
  /** Default: a free port. The server listens on 127.0.0.1 only. */
  port?: number;
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/**
 * `sluice dashboard`: the web app over every pipeline in the pipelines dir, on 127.0.0.1. Requests must
 * name this server as their Host (a page on another site cannot reach it through DNS rebinding), and the
 * actions that change something (retry, drop) need a header a cross-site form cannot send.
 */
export async function startDashboard(options: DashboardOptions): Promise<RunningDashboard> {
  const workspace = new Workspace(options);
  const live = new LiveEvents(workspace);
  let port = 0;
  const app = new Hono();

  app.use("*", async (c, next) => {
    const host = c.req.header("host") ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
      return c.text(`This dashboard answers at http://127.0.0.1:${port}/ only.\n`, 421);
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.header("x-sluice-dashboard") !== "1")
      return c.json(
        { error: { message: "Changes need the dashboard's own requests (header X-Sluice-Dashboard: 1)" } },
        403,
      );
    await next();
    c.header("x-content-type-options", "nosniff");
    c.header("referrer-policy", "no-referrer");
  });

  app.route("/api", apiRoutes(workspace, live));

  app.get("/assets/*", async (c) => {
    const asset = await readAsset(c.req.path.slice("/assets/".length));
    if (asset === undefined) return c.text("not found\n", 404);
    return c.body(new Uint8Array(asset.body), 200, {
      "content-type": asset.type,
      "cache-control": "no-cache",
    });
  });

  app.get("*", async (c) =>
    c.body(new Uint8Array(await appShell()), 200, {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-cache",
      "content-security-policy":
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'",
    }),
  );

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        const http = server as unknown as { closeAllConnections?: () => void };
        http.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
