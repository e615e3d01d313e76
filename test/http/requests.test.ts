import { promisify } from "node:util";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { registerSecret } from "../../src/core/redact.js";
import { RestClient } from "../../src/http/client.js";
import { HttpError } from "../../src/http/errors.js";
import type { HttpMethod } from "../../src/http/types.js";
import { fastTimers, sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

let server: TestServer;
let client: RestClient;

beforeAll(async () => {
  server = await startHttpServer();
  client = new RestClient({ base_url: `${server.url}/v2`, headers: { "X-Client": "sluice-test" } });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

function echo() {
  server.requests.length = 0;
  server.handle((req, res) =>
    sendJson(res, {
      method: req.method,
      path: req.path,
      body: req.body,
      type: req.headers["content-type"] ?? null,
    }),
  );
}

describe("requests", () => {
  it("joins base path and path; absolute paths are used as is", async () => {
    echo();
    expect((await client.request({ path: "/v1/x" })).body).toMatchObject({ path: "/v2/v1/x" });
    expect((await client.request({ path: "v1/y" })).body).toMatchObject({ path: "/v2/v1/y" });
    expect((await client.request({ path: `${server.url}/abs/z` })).body).toMatchObject({ path: "/abs/z" });
  });

  it("encodes params: lists repeated, null/undefined omitted, booleans spelled", async () => {
    echo();
    const res = await client.request({
      path: "/p",
      params: { ids: [1, 2], none: null, gone: undefined, yes: true, no: false, q: "a b/c" },
    });
    expect(res.body).toMatchObject({ path: "/v2/p?ids=1&ids=2&yes=true&no=false&q=a%20b%2Fc" });
  });

  it("sends default and request headers, accepts compressed JSON", async () => {
    echo();
    await client.request({ path: "/h", headers: { "X-Req": "1" } });
    const h = server.requests[0]!.headers;
    expect(h["x-client"]).toBe("sluice-test");
    expect(h["x-req"]).toBe("1");
    expect(h["accept-encoding"]).toBe("gzip, deflate, br");
    expect(h.accept).toBe("application/json");
  });

  it("JSON and form bodies with every method", async () => {
    echo();
    const methods: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    for (const method of methods) {
      const res = await client.request({
        path: "/m",
        method,
        ...(method === "GET" ? {} : { json: { a: 1 } }),
      });
      expect(res.body).toMatchObject({
        method,
        ...(method === "GET" ? { body: "" } : { body: '{"a":1}', type: "application/json" }),
      });
    }
    const form = await client.request({ path: "/f", method: "POST", data: { a: "1", b: "x y" } });
    expect(form.body).toMatchObject({ body: "a=1&b=x+y", type: "application/x-www-form-urlencoded" });
  });

  it("decodes gzip, deflate and br responses", async () => {
    const payload = JSON.stringify({
      data: Array.from({ length: 200 }, (_, i) => ({ id: i, text: "compress me" })),
    });
    const encoders: Record<string, (b: Buffer) => Promise<Buffer>> = {
      gzip: promisify(zlib.gzip),
      deflate: promisify(zlib.deflate),
      br: promisify(zlib.brotliCompress),
    };
    for (const [encoding, encode] of Object.entries(encoders)) {
      const body = await encode(Buffer.from(payload));
      server.handle((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": encoding });
        res.end(body);
      });
      const pages = [];
      for await (const p of client.paginate(
        { path: "/z" },
        { paginator: { type: "single_page" }, data_selector: "data" },
      )) {
        pages.push(p);
      }
      expect(pages[0]!.records).toHaveLength(200);
    }
  });

  it("a non-JSON 200 is an error naming the masked URL, status, content-type and first bytes", async () => {
    const html = `<html><head><title>Down for maintenance</title></head><body>${"x".repeat(500)}</body></html>`;
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(html);
    });
    const err = (await client
      .request({ path: "/items", params: { access_token: "abcd1234", page: 2 } }, { resource: "items" })
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.code).toBe("HTTP_NOT_JSON");
    expect(err.status).toBe(200);
    expect(err.message).toContain('resource "items"');
    expect(err.message).toContain("access_token=***");
    expect(err.message).not.toContain("abcd1234");
    expect(err.message).toContain("200");
    expect(err.message).toContain("text/html");
    expect(err.message).toContain("Down for maintenance");
    expect(err.bodySnippet.length).toBeLessThanOrEqual(201);
    expect(err.hint).toMatch(/maintenance/);
  });

  it("masks registered secrets and sensitive params in errors", async () => {
    registerSecret("super-secret-value-42");
    server.handle((_req, res) => sendJson(res, { error: "bad key super-secret-value-42" }, 403));
    const err = (await client
      .request({ path: "/s", params: { signature: "sig-0000", key: "super-secret-value-42", ok: "visible" } })
      .catch((e: unknown) => e)) as HttpError;
    expect(err.message).not.toContain("super-secret-value-42");
    expect(err.message).not.toContain("sig-0000");
    expect(err.message).toContain("ok=visible");
    expect(err.message).toContain("403");
    expect(err.message).toContain("bad key ***");
  });

  it("a JSON body with a byte-order mark parses", async () => {
    server.handle((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(`\ufeff${JSON.stringify({ data: [{ id: 1 }] })}`);
    });
    expect((await client.request({ path: "/bom" })).body).toEqual({ data: [{ id: 1 }] });
  });

  it("an empty body is fine (undefined)", async () => {
    server.handle((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    expect((await client.request({ path: "/e", method: "DELETE" })).body).toBeUndefined();
  });
});

describe("concurrency", () => {
  it("limits requests in flight per host", async () => {
    let inFlight = 0;
    let peak = 0;
    let gate = 0;
    let held: Array<() => void> = [];
    // Requests are held until `gate` of them are in flight (or 1 s passed), so the peak is deterministic.
    server.handle((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const release = () => {
        inFlight--;
        sendJson(res, { ok: true });
      };
      held.push(release);
      const flush = () => {
        const batch = held;
        held = [];
        for (const r of batch) r();
      };
      if (inFlight >= gate) setTimeout(flush, 20);
      else setTimeout(() => held.includes(release) && flush(), 1000);
    });
    gate = 3;
    const limited = new RestClient({ base_url: server.url, max_in_flight_per_host: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => limited.request({ path: `/c${i}` })));
    await limited.close();
    expect(peak).toBe(3);
    peak = 0;
    gate = 8;
    const wide = new RestClient({ base_url: server.url });
    await Promise.all(Array.from({ length: 16 }, (_, i) => wide.request({ path: `/w${i}` })));
    await wide.close();
    expect(peak).toBe(8);
  });

  it("proactive rate limiting: a spent quota pauses the next requests until reset", async () => {
    const t = fastTimers();
    const limited = new RestClient({ base_url: server.url, timers: t.timers, logger: memoryLogger() });
    let n = 0;
    server.handle((_req, res) => {
      n++;
      sendJson(res, { n }, 200, n === 1 ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2" } : {});
    });
    await limited.request({ path: "/rl" });
    await limited.request({ path: "/rl" });
    await limited.close();
    expect(t.sleeps).toHaveLength(1);
    expect(t.sleeps[0]).toBeGreaterThan(1500);
    expect(t.sleeps[0]).toBeLessThanOrEqual(2000);
  });

  it("requests queued for a host slot still wait out a quota spent while they queued", async () => {
    const t = fastTimers();
    const limited = new RestClient({
      base_url: server.url,
      max_in_flight_per_host: 1,
      timers: t.timers,
      logger: memoryLogger(),
    });
    let n = 0;
    server.handle((_req, res) => {
      n++;
      const headers: Record<string, string> =
        n === 1 ? { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "2" } : {};
      // The first answer is slow, so the other two are already queued for the one slot when it says 0 left.
      setTimeout(() => sendJson(res, { n }, 200, headers), n === 1 ? 50 : 0);
    });
    await Promise.all([1, 2, 3].map((i) => limited.request({ path: `/q${i}` })));
    await limited.close();
    expect(t.sleeps).toHaveLength(2);
    for (const ms of t.sleeps) expect(ms).toBeGreaterThan(1000);
  });
});
