import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryLogger } from "../../src/core/logger.js";
import { RestClient } from "../../src/http/client.js";
import { AuthError, HttpError } from "../../src/http/errors.js";
import type { AuthConfig, ClientOptions, Page } from "../../src/http/types.js";
import {
  fastTimers,
  type RecordedRequest,
  sendJson,
  startHttpServer,
  type TestServer,
} from "../support/http-server.js";

let api: TestServer;
/** Another origin: 127.0.0.2 is loopback too on Linux, but a different host to a browser or to us. */
let other: TestServer;
let tokens: TestServer;
const clients: RestClient[] = [];

function makeClient(auth: AuthConfig, extra: Partial<ClientOptions> = {}) {
  const t = fastTimers();
  const client = new RestClient({
    base_url: api.url,
    auth,
    timers: t.timers,
    logger: memoryLogger(),
    ...extra,
  });
  clients.push(client);
  return { client, skew: t.skewMs };
}

async function pagesOf(client: RestClient, path: string): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of client.paginate(
    { path },
    { paginator: { type: "json_link" }, data_selector: "data" },
  ))
    out.push(p);
  return out;
}

/** Token endpoint: issues tok-1, tok-2, … with the configured lifetime. */
let tokenCount = 0;
let tokenLifetime: number | undefined = 3600;
function tokenHandler(req: RecordedRequest, res: ServerResponse) {
  tokenCount++;
  const form = new URLSearchParams(req.body);
  const basic = req.headers.authorization;
  const ok =
    form.get("grant_type") === "client_credentials" &&
    ((form.get("client_id") === "cid-123" && form.get("client_secret") === "csecret-456") ||
      basic === `Basic ${Buffer.from("cid-123:csecret-456").toString("base64")}`);
  if (!ok) return sendJson(res, { error: "invalid_client" }, 401);
  sendJson(res, {
    access_token: `tok-${tokenCount}`,
    token_type: "bearer",
    ...(tokenLifetime ? { expires_in: tokenLifetime } : {}),
  });
}

/** API: accepts only the latest token (or any bearer when `acceptAny`). */
let validToken: () => string | undefined = () => `Bearer tok-${tokenCount}`;
function apiHandler(req: RecordedRequest, res: ServerResponse) {
  const expected = validToken();
  if (expected !== undefined && req.headers.authorization !== expected)
    return sendJson(res, { error: "unauthorized" }, 401);
  sendJson(res, { data: [{ id: 1, path: req.path }] });
}

beforeAll(async () => {
  api = await startHttpServer(apiHandler);
  other = await startHttpServer((_req, res) => sendJson(res, { data: [{ id: "other" }] }), "127.0.0.2");
  tokens = await startHttpServer(tokenHandler);
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await Promise.all([api.close(), other.close(), tokens.close()]);
});

function resetAll() {
  for (const s of [api, other, tokens]) s.requests.length = 0;
  tokenCount = 0;
  tokenLifetime = 3600;
  api.handle(apiHandler);
  validToken = () => `Bearer tok-${tokenCount}`;
}

describe("static credentials", () => {
  it("bearer, and a dict without type is bearer", async () => {
    resetAll();
    validToken = () => "Bearer static-token-1";
    await makeClient({ type: "bearer", token: "static-token-1" }).client.request({ path: "/a" });
    await makeClient({ token: "static-token-1" }).client.request({ path: "/b" });
    expect(api.requests.map((r) => r.headers.authorization)).toEqual([
      "Bearer static-token-1",
      "Bearer static-token-1",
    ]);
  });

  it("api_key in header (default name Authorization), query and cookie", async () => {
    resetAll();
    validToken = () => undefined;
    await makeClient({ type: "api_key", api_key: "key-aaaa" }).client.request({ path: "/h" });
    await makeClient({ type: "api_key", name: "X-API-Key", api_key: "key-bbbb" }).client.request({
      path: "/h2",
    });
    await makeClient({
      type: "api_key",
      name: "api_key",
      api_key: "key-cccc",
      location: "query",
    }).client.request({
      path: "/q",
      params: { a: 1 },
    });
    await makeClient({
      type: "api_key",
      name: "session",
      api_key: "key-dddd",
      location: "cookie",
    }).client.request({
      path: "/c",
    });
    const [h, h2, q, c] = api.requests;
    expect(h!.headers.authorization).toBe("key-aaaa");
    expect(h2!.headers["x-api-key"]).toBe("key-bbbb");
    expect(q!.path).toBe("/q?a=1&api_key=key-cccc");
    expect(c!.headers.cookie).toBe("session=key-dddd");
  });

  it("http_basic", async () => {
    resetAll();
    validToken = () => `Basic ${Buffer.from("user:pa55word").toString("base64")}`;
    await makeClient({ type: "http_basic", username: "user", password: "pa55word" }).client.request({
      path: "/b",
    });
    expect(api.requests).toHaveLength(1);
  });
});

describe("oauth2 client credentials", () => {
  it("seeds' spelling (oauth2 + token_url): form credentials, scopes, extra data; token used", async () => {
    resetAll();
    const { client } = makeClient({
      type: "oauth2",
      client_id: "cid-123",
      client_secret: "csecret-456",
      token_url: `${tokens.url}/oauth/token`,
      scopes: ["read", "write"],
      access_token_request_data: { audience: "https://api" },
    });
    await client.request({ path: "/x" });
    const form = new URLSearchParams(tokens.requests[0]!.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: "client_credentials",
      scope: "read write",
      audience: "https://api",
      client_id: "cid-123",
      client_secret: "csecret-456",
    });
    expect(tokens.requests[0]!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(api.requests[0]!.headers.authorization).toBe("Bearer tok-1");
  });

  it("dlt's spelling with client_auth basic", async () => {
    resetAll();
    const { client } = makeClient({
      type: "oauth2_client_credentials",
      client_id: "cid-123",
      client_secret: "csecret-456",
      access_token_url: `${tokens.url}/token`,
      client_auth: "basic",
    });
    await client.request({ path: "/x" });
    expect(new URLSearchParams(tokens.requests[0]!.body).get("client_secret")).toBeNull();
    expect(api.requests[0]!.headers.authorization).toBe("Bearer tok-1");
  });

  const oauth = (): AuthConfig => ({
    type: "oauth2",
    client_id: "cid-123",
    client_secret: "csecret-456",
    token_url: `${tokens.url}/token`,
  });

  it("one token for many concurrent requests (single in-flight fetch)", async () => {
    resetAll();
    const { client } = makeClient(oauth());
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.request({ path: `/c${i}` })));
    expect(tokens.requests).toHaveLength(1);
    expect(new Set(api.requests.map((r) => r.headers.authorization))).toEqual(new Set(["Bearer tok-1"]));
  });

  it("token expiry → exactly one new token, shared", async () => {
    resetAll();
    tokenLifetime = 100;
    const { client, skew } = makeClient(oauth());
    await client.request({ path: "/first" });
    skew.value = 95_000; // inside the refresh margin (10% of 100 s)
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.request({ path: `/later${i}` })));
    expect(tokens.requests).toHaveLength(2);
    expect(api.requests.slice(1).every((r) => r.headers.authorization === "Bearer tok-2")).toBe(true);
  });

  it("no expires_in: default expiration applies", async () => {
    resetAll();
    tokenLifetime = undefined;
    const { client, skew } = makeClient({ ...oauth(), default_token_expiration: 10 } as AuthConfig);
    await client.request({ path: "/a" });
    skew.value = 5_000;
    await client.request({ path: "/b" });
    expect(tokens.requests).toHaveLength(1);
    skew.value = 11_000;
    await client.request({ path: "/c" });
    expect(tokens.requests).toHaveLength(2);
  });

  it("401 → one refresh and a retry that succeeds", async () => {
    resetAll();
    const { client } = makeClient(oauth());
    await client.request({ path: "/a" });
    // The server revokes tok-1: only a fresh token works.
    validToken = () => "Bearer tok-2";
    const res = await client.request({ path: "/b" });
    expect(res.status).toBe(200);
    expect(tokens.requests).toHaveLength(2);
  });

  it("401 → one refresh, then failure", async () => {
    resetAll();
    validToken = () => "Bearer never";
    const { client } = makeClient(oauth());
    const err = (await client
      .request({ path: "/locked" }, { resource: "things" })
      .catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.status).toBe(401);
    expect(err.hint).toMatch(/credentials/);
    expect(tokens.requests).toHaveLength(2);
    expect(api.requests).toHaveLength(2);
    expect(err.message).not.toContain("tok-");
  });

  it("a failing token endpoint is an AuthError naming the URL, without the secret", async () => {
    resetAll();
    const { client } = makeClient({ ...oauth(), client_secret: "wrong-secret-789" } as AuthConfig);
    const err = (await client.request({ path: "/x" }).catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toContain(`${tokens.url}/token`);
    expect(err.message).toContain("401");
    expect(err.message).not.toContain("wrong-secret-789");
  });
});

describe("credentials stay with the API's origin", () => {
  it("a next link to another host gets no Authorization, api key or cookie", async () => {
    resetAll();
    validToken = () => undefined;
    api.handle((_req, res) => sendJson(res, { data: [{ id: 1 }], next: `${other.url}/elsewhere?page=2` }));
    for (const auth of [
      { type: "bearer", token: "cross-origin-token" },
      { type: "api_key", name: "api_key", api_key: "cross-origin-key", location: "query" },
      { type: "api_key", name: "sid", api_key: "cross-origin-cookie", location: "cookie" },
      { type: "api_key", name: "X-Api-Key", api_key: "cross-origin-header" },
    ] as AuthConfig[]) {
      other.requests.length = 0;
      const { client } = makeClient(auth, { headers: { "X-Custom": "kept", "X-Auth-Token": "also-secret" } });
      const pages = await pagesOf(client, "/start");
      expect(pages.map((p) => p.records[0]!.id)).toEqual([1, "other"]);
      const hop = other.requests[0]!;
      expect(hop.headers.authorization).toBeUndefined();
      expect(hop.headers.cookie).toBeUndefined();
      expect(hop.headers["x-api-key"]).toBeUndefined();
      expect(hop.headers["x-auth-token"]).toBeUndefined();
      expect(hop.headers["x-custom"]).toBe("kept");
      expect(hop.path).toBe("/elsewhere?page=2");
    }
    const first = api.requests[0]!;
    expect(first.headers.authorization).toBe("Bearer cross-origin-token");
  });

  it("redirects: same origin keeps credentials, another origin loses them", async () => {
    resetAll();
    validToken = () => undefined;
    api.handle((req, res) => {
      if (req.path === "/moved") {
        res.writeHead(302, { location: "/new-home" });
        res.end();
        return;
      }
      if (req.path === "/away") {
        res.writeHead(307, { location: `${other.url}/landing` });
        res.end();
        return;
      }
      sendJson(res, { data: [{ at: req.path }] });
    });
    const { client } = makeClient({ type: "bearer", token: "redirect-token" });
    const res = await client.request({ path: "/moved" });
    expect(res.body).toEqual({ data: [{ at: "/new-home" }] });
    expect(api.requests[1]!.headers.authorization).toBe("Bearer redirect-token");
    other.requests.length = 0;
    const away = await client.request({ path: "/away" });
    expect(away.url).toBe(`${other.url}/landing`);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("without a base_url, the endpoint's own origin gets the credentials", async () => {
    resetAll();
    validToken = () => "Bearer absolute-token";
    const client = new RestClient({ base_url: "", auth: { token: "absolute-token" } });
    clients.push(client);
    const res = await client.request({ path: `${api.url}/abs` });
    expect(res.status).toBe(200);
    expect(api.requests[0]!.headers.authorization).toBe("Bearer absolute-token");
  });

  it("too many redirects is an error", async () => {
    resetAll();
    api.handle((_req, res) => {
      res.writeHead(302, { location: "/loop" });
      res.end();
    });
    const { client } = makeClient({ type: "bearer", token: "loop-token" }, { max_redirects: 3 });
    await expect(client.request({ path: "/loop" })).rejects.toThrow(/more than 3 redirects/);
  });
});
