import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { registerSecret } from "../../src/core/redact.js";
import { RestClient } from "../../src/http/client.js";
import { HttpError } from "../../src/http/errors.js";
import type { ClientOptions } from "../../src/http/types.js";
import { fastTimers, sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

let server: TestServer;
const clients: RestClient[] = [];

function makeClient(extra: Partial<ClientOptions> = {}) {
  const t = fastTimers();
  const logger = memoryLogger();
  const client = new RestClient({
    base_url: server.url,
    timers: t.timers,
    logger,
    rate_limit: false,
    ...extra,
  });
  clients.push(client);
  return { client, sleeps: t.sleeps, logger };
}

/** Answers with `statuses` in turn (then 200 with data). */
function sequence(statuses: Array<[number, Record<string, string>?, string?]>) {
  let i = 0;
  server.requests.length = 0;
  server.handle((_req, res) => {
    const step = statuses[i++];
    if (!step) return sendJson(res, { data: [{ id: 1 }] });
    const [status, headers = {}, body = JSON.stringify({ error: `status ${status}` })] = step;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  });
}

beforeAll(async () => {
  server = await startHttpServer();
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await server.close();
});

describe("retries", () => {
  it("429 with Retry-After waits what the server asked, then succeeds", async () => {
    const { client, sleeps } = makeClient();
    sequence([[429, { "retry-after": "3" }]]);
    const retries: number[] = [];
    const res = await client.request({ path: "/r" }, { onRetry: (i) => retries.push(i.status ?? 0) });
    expect(res.body).toEqual({ data: [{ id: 1 }] });
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toEqual([3000]);
    expect(retries).toEqual([429]);
  });

  it("503 twice then success, backing off factor × 2^(n−1) with jitter", async () => {
    const { client, sleeps, logger } = makeClient();
    sequence([[503], [503]]);
    const res = await client.request({ path: "/r" });
    expect(res.status).toBe(200);
    expect(server.requests).toHaveLength(3);
    // random() = 0.5 → 75% of 2 s and of 4 s.
    expect(sleeps).toEqual([1500, 3000]);
    expect(logger.entries.filter((e) => e.level === "warn").map((e) => e.msg)).toEqual([
      expect.stringMatching(/503: retry 1\/3 in 1\.5s/),
      expect.stringMatching(/503: retry 2\/3 in 3\.0s/),
    ]);
  });

  it("500 until retries run out → one error naming resource, method, masked URL, status, body", async () => {
    const { client, sleeps } = makeClient();
    registerSecret("sk_live_retry_secret");
    sequence([
      [500, {}, '{"error":"boom sk_live_retry_secret"}'],
      [500, {}, '{"error":"boom"}'],
      [500, {}, '{"error":"boom"}'],
      [500, {}, '{"error":"internal failure"}'],
    ]);
    const err = await client
      .request(
        { path: "/v1/events", params: { api_key: "plainkey123", since: "2024" } },
        { resource: "events" },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    const e = err as HttpError;
    expect(server.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(e.status).toBe(500);
    expect(e.message).toContain('resource "events"');
    expect(e.message).toContain(`GET ${server.url}/v1/events?`);
    expect(e.message).toContain("api_key=***");
    expect(e.message).toContain("since=2024");
    expect(e.message).toContain("500");
    expect(e.message).toContain("after 4 attempts");
    expect(e.message).toContain("internal failure");
    expect(e.message).not.toContain("plainkey123");
    expect(e.hint).toMatch(/retry later/);
    expect(e.code).toBe("HTTP_ERROR");
  });

  it("onResponse reports every exchange, masked", async () => {
    const { client } = makeClient();
    sequence([[503]]);
    const seen: Array<{ status: number; url: string }> = [];
    await client.request(
      { path: "/m", params: { token: "hidden-123", a: 1 } },
      { onResponse: (i) => seen.push({ status: i.status, url: i.url }) },
    );
    expect(seen.map((s) => s.status)).toEqual([503, 200]);
    expect(seen[0]!.url).toContain("token=***");
    expect(seen[0]!.url).not.toContain("hidden-123");
  });

  it("Retry-After 0 or a past date is no hint: backoff, not a tight loop", async () => {
    const { client, sleeps } = makeClient();
    sequence([
      [429, { "retry-after": "0" }],
      [503, { "retry-after": "Wed, 21 Oct 2015 07:28:00 GMT" }],
    ]);
    await client.request({ path: "/r" });
    expect(sleeps).toEqual([1500, 3000]);
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(100);
  });

  it("Retry-After as a future HTTP date", async () => {
    const { client, sleeps } = makeClient();
    const at = new Date(Date.now() + 10_000).toUTCString();
    sequence([[503, { "retry-after": at }]]);
    await client.request({ path: "/r" });
    expect(sleeps[0]).toBeGreaterThan(8000);
    expect(sleeps[0]).toBeLessThanOrEqual(10_000);
  });

  it("endpoint policy overrides the client's; non-retryable status fails at once", async () => {
    const { client, sleeps } = makeClient({ retry: { max_retries: 5 } });
    sequence([[503], [503]]);
    await expect(client.request({ path: "/r" }, { retry: { max_retries: 1 } })).rejects.toThrow(/503/);
    expect(server.requests).toHaveLength(2);
    sequence([[400, {}, '{"error":"bad param"}']]);
    await expect(client.request({ path: "/r" })).rejects.toThrow(/400.*bad param/);
    expect(server.requests).toHaveLength(1);
    sequence([[418]]);
    await client.request({ path: "/r" }, { retry: { retry_on_status_codes: [418] } });
    expect(server.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(2);
  });

  it("connection resets are retried", async () => {
    const { client, sleeps } = makeClient();
    let n = 0;
    server.requests.length = 0;
    server.handle((req, res) => {
      if (n++ === 0) {
        res.socket?.destroy();
        return;
      }
      sendJson(res, { ok: req.path });
    });
    const res = await client.request({ path: "/reset" });
    expect(res.body).toEqual({ ok: "/reset" });
    expect(sleeps).toHaveLength(1);
  });

  it("read timeouts are retried, then fail with a connection error", async () => {
    const { client } = makeClient({ read_timeout: 0.2, retry: { max_retries: 1 } });
    server.requests.length = 0;
    server.handle((_req, res) => {
      // undici checks timeouts on a ~0.5 s tick, so the server must be clearly slower than that.
      setTimeout(() => sendJson(res, { late: true }), 2500);
    });
    const err = (await client.request({ path: "/slow" }).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe("HTTP_CONNECTION");
    expect(err.message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    expect(server.requests).toHaveLength(2);
  });

  it("connection refused names the URL and suggests what to check", async () => {
    const { client } = makeClient({ base_url: "http://127.0.0.1:1", retry: { max_retries: 0 } });
    const err = (await client.request({ path: "/x" }).catch((e: unknown) => e)) as HttpError;
    expect(err.message).toContain("GET http://127.0.0.1:1/x");
    expect(err.message).toMatch(/ECONNREFUSED/);
    expect(err.hint).toMatch(/reachable/);
  });
});

describe("cancellation", () => {
  it("an abort during a backoff wait ends the request at once", async () => {
    const client = new RestClient({ base_url: server.url, rate_limit: false, retry: { backoff_factor: 30 } });
    clients.push(client);
    sequence([[503], [503]]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    await expect(client.request({ path: "/r" }, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
  });
});
