// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sluice's secret placeholders, not JS templates

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PAGE_CONCURRENCY } from "../../src/http/index.js";
import type { RestApiConfigInput } from "../../src/sources/rest_api/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type FaultApi,
  PAGE,
  ROWS,
  STATIC_TOKEN,
  startFaultApi,
  TOKEN_PREFIX,
} from "../support/fault-api.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

/**
 * The fault-injecting API, end to end: config → restApiSource → pipeline → a real DuckDB file. Every
 * scenario first loads the good API (25 rows), then runs against a fault with `replace`: the run either
 * loads exactly the 25 rows, or fails naming the resource, URL and status, without a secret, and
 * leaves the 25 rows of the good run as they were.
 */

let api: FaultApi;
let other: FaultApi;
let sb: PipelineSandbox;

const API_KEY = "fault-api-key-91c0";
const env = {
  FAULT_TOKEN: STATIC_TOKEN,
  FAULT_CLIENT_SECRET: CLIENT_SECRET,
  FAULT_API_KEY: API_KEY,
};
const SECRETS = [STATIC_TOKEN, CLIENT_SECRET, API_KEY, TOKEN_PREFIX];

beforeAll(async () => {
  other = await startFaultApi();
  api = await startFaultApi({ slowMs: 2500, otherUrl: other.url, bombBytes: 32 * 1024 * 1024 });
});
afterAll(async () => {
  await api.close();
  await other.close();
});
beforeEach(() => {
  sb = pipelineSandbox("sluice-fault-");
  api.reset();
  other.reset();
});
afterEach(() => sb.cleanup());

type Client = RestApiConfigInput["client"];
type Endpoint = Record<string, unknown>;

function config(path: string, client: Partial<Client> = {}, endpoint: Endpoint = {}): RestApiConfigInput {
  return {
    client: {
      base_url: api.url,
      read_timeout: 0.25,
      error_handler: { max_retries: 2, backoff_factor: 0, max_delay: 0.2 },
      ...client,
    },
    resources: [
      {
        name: "items",
        primary_key: "id",
        write_disposition: "replace",
        endpoint: {
          path,
          data_selector: "data",
          paginator: { type: "offset", limit: PAGE },
          ...endpoint,
        },
      },
    ],
  } as RestApiConfigInput;
}

async function run(cfg: RestApiConfigInput): Promise<void> {
  const source = restApiSource(cfg, { env });
  try {
    await sb.make("faults").run(source);
  } finally {
    await source.close();
  }
}

async function ids(): Promise<number[]> {
  const rows = await sb.query("SELECT id FROM $ds.items ORDER BY id");
  return rows.map((r) => Number(r.id));
}

const allIds = ROWS.map((r) => r.id);
const warnings = () => sb.logs.filter((e) => e.level === "warn").map((e) => e.msg);

/** A good run first, so that "the destination as it was" means 25 known rows. */
async function goodRun(): Promise<void> {
  await run(config("/ok/items"));
  expect(await ids()).toEqual(allIds);
}

/** The run fails with a message naming `parts`, holding no secret; the good run's rows are untouched. */
async function expectCleanFailure(cfg: RestApiConfigInput, parts: RegExp[]): Promise<string> {
  await goodRun();
  const err = await run(cfg).then(
    () => undefined,
    (e: unknown) => e as Error & { hint?: string },
  );
  expect(err, "the run should have failed").toBeDefined();
  const text = `${err!.message}\n${err!.hint ?? ""}`;
  expect(text).toMatch(/resource "items"/);
  for (const p of parts) expect(text).toMatch(p);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expectNoSecretLogged();
  expect(await ids()).toEqual(allIds);
  return text;
}

function expectNoSecretLogged(): void {
  const logged = JSON.stringify(sb.logs);
  for (const secret of SECRETS) expect(logged).not.toContain(secret);
}

async function expectExact(cfg: RestApiConfigInput, expected = allIds): Promise<void> {
  await run(cfg);
  expect(await ids()).toEqual(expected);
  expectNoSecretLogged();
}

describe("fault-injecting API → pipeline → DuckDB", () => {
  it("a connection reset mid-body once: retried, exactly the rows", async () => {
    await expectExact(config("/reset-once/items"));
    expect(
      api.requests.filter((r) => r.path === "/reset-once/items" && r.query.get("offset") === "10"),
    ).toHaveLength(2);
  });

  it("a connection reset mid-body every time: a clean failure naming the URL", async () => {
    await expectCleanFailure(config("/reset-always/items"), [/\/reset-always\/items\?offset=10/]);
  });

  it("truncated JSON with status 200: a clean failure", async () => {
    await expectCleanFailure(config("/truncated/items"), [
      /\/truncated\/items\?offset=10/,
      /200/,
      /not valid JSON \(cut off/,
    ]);
  });

  it("an HTML page with status 200: a clean failure naming the content type", async () => {
    await expectCleanFailure(config("/html/items"), [/\/html\/items\?offset=10/, /200/, /text\/html/]);
  });

  it("a response slower than read_timeout once: retried, exactly the rows", async () => {
    await expectExact(config("/slow-once/items"));
  });

  it("responses always slower than read_timeout: a clean failure after the retries", async () => {
    await expectCleanFailure(
      config("/slow-always/items", { error_handler: { max_retries: 1, backoff_factor: 0 } }),
      [/\/slow-always\/items\?offset=10/, /2 attempts/],
    );
  });

  it("a 429 storm with Retry-After shorter than the retries: exactly the rows", async () => {
    await expectExact(config("/storm/items", { error_handler: { max_retries: 3, backoff_factor: 0 } }));
    expect(
      api.requests.filter((r) => r.path === "/storm/items" && r.query.get("offset") === "10"),
    ).toHaveLength(4);
  });

  it("a 429 storm longer than the retries: a clean failure naming the status", async () => {
    await expectCleanFailure(
      config("/storm/items", { error_handler: { max_retries: 1, backoff_factor: 0 } }),
      [/\/storm\/items\?offset=10/, /429/],
    );
  });

  it("OAuth2 client credentials: a 401 after the token expired gets a new token, exactly the rows", async () => {
    const issued = api.tokensIssued;
    await expectExact(
      config("/bearer-expiring/items", {
        auth: {
          type: "oauth2_client_credentials",
          access_token_url: `${api.url}/oauth/token`,
          client_id: CLIENT_ID,
          client_secret: "${secrets.fault_client_secret}",
        },
      }),
    );
    // Pages 1 and 2 on the first token, page 3 refused, then a second token.
    expect(api.tokensIssued - issued).toBe(2);
  });

  it("a bearer token that expires mid-run: a clean failure naming 401, no token in it", async () => {
    const text = await expectCleanFailure(
      config("/bearer-expiring/items", { auth: { type: "bearer", token: "${secrets.fault_token}" } }),
      [/\/bearer-expiring\/items\?offset=20/, /401/],
    );
    expect(text).toMatch(/credentials/);
  });

  it("a next link to another host: followed without credentials, exactly the rows", async () => {
    await expectExact(
      config(
        "/cross-host/items",
        {
          auth: { type: "bearer", token: "${secrets.fault_token}" },
          headers: { "x-api-key": "${secrets.fault_api_key}" },
        },
        { paginator: { type: "json_link", next_url_path: "next" } },
      ),
    );
    const own = api.requests.filter((r) => r.path.startsWith("/cross-host"));
    expect(own).toHaveLength(1);
    expect(own[0]!.headers.authorization).toBe(`Bearer ${STATIC_TOKEN}`);
    expect(other.requests.map((r) => r.path)).toEqual(["/elsewhere/items", "/elsewhere/items"]);
    for (const r of other.requests) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers["x-api-key"]).toBeUndefined();
      expect(JSON.stringify(r.headers) + r.query.toString()).not.toContain(STATIC_TOKEN);
    }
  });

  it("a gzip body expanding beyond max_response_bytes: a clean failure naming the limit", async () => {
    const before = process.memoryUsage().arrayBuffers;
    const text = await expectCleanFailure(config("/bomb/items", { max_response_bytes: 1024 * 1024 }), [
      /\/bomb\/items\?offset=10/,
      /larger than 1 MiB once decompressed/,
      /max_response_bytes/,
    ]);
    expect(text).toMatch(/raise client\.max_response_bytes/);
    // Cut off while inflating: nowhere near the bomb's 32 MiB was ever held.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("a plain chunked body beyond max_response_bytes: cut off while streaming", async () => {
    await expectCleanFailure(config("/big/items", { max_response_bytes: 1024 * 1024 }), [
      /\/big\/items\?offset=10/,
      /larger than 1 MiB/,
    ]);
  });
});

describe("the response size bound", () => {
  it("a declared Content-Length beyond max_response_bytes fails before the body is read", async () => {
    await expectCleanFailure(config("/ok/items", { max_response_bytes: 200 }), [
      /\/ok\/items\?offset=0/,
      /larger than 200 bytes \(client\.max_response_bytes = 200\)/,
    ]);
  });
});

describe("endless paging shapes → pipeline → DuckDB", () => {
  // Far above what any test expects: a regression fails instead of running on.
  const CAP = 200;
  const stopWarning = (page: number) => new RegExp(`resource "items": pagination stopped at page ${page}: `);

  it("an API ignoring offset: stops after page 2, one page of rows loaded once, with a warning", async () => {
    await expectExact(config("/ignore-offset/items"), allIds.slice(0, PAGE));
    // Pages are planned 8 at a time once the total is known: those in flight when page 2 turns out to repeat
    // page 1 are dropped unread (expectExact: each row once), and no request goes out after them.
    const sent = api.requests.filter((r) => r.path.startsWith("/ignore-offset")).length;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(2 + DEFAULT_PAGE_CONCURRENCY);
    expect(warnings().find((m) => stopWarning(2).test(m))).toMatch(/same as the previous page's/);
  });

  it("a page-number API ignoring page: stops after page 2", async () => {
    await expectExact(
      config(
        "/ignore-page/items",
        {},
        { paginator: { type: "page_number", base_page: 1, total_path: "total_pages", maximum_pages: CAP } },
      ),
      allIds.slice(0, PAGE),
    );
    // Pages are planned 8 at a time once the total is known: those in flight when page 2 turns out to repeat
    // page 1 are dropped unread (expectExact: each row once), and no request goes out after them.
    const sent = api.requests.filter((r) => r.path.startsWith("/ignore-page")).length;
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(sent).toBeLessThanOrEqual(2 + DEFAULT_PAGE_CONCURRENCY);
    expect(warnings().some((m) => stopWarning(2).test(m))).toBe(true);
  });

  it("next links a → b → a: stops at b, both pages loaded", async () => {
    await expectExact(
      config(
        "/cycle-links/a",
        {},
        { paginator: { type: "json_link", next_url_path: "next", maximum_pages: CAP } },
      ),
      allIds.slice(0, 2 * PAGE),
    );
    expect(api.requests.map((r) => r.path)).toEqual(["/cycle-links/a", "/cycle-links/b"]);
    expect(warnings().find((m) => stopWarning(2).test(m))).toMatch(/leads back to a page already fetched/);
  });

  it("a cursor cycle c1 → c2 → c1: stops after c2, every row once", async () => {
    await expectExact(
      config(
        "/cycle-cursor/items",
        {},
        { paginator: { type: "cursor", cursor_path: "next_cursor", maximum_pages: CAP } },
      ),
    );
    expect(api.requests.filter((r) => r.path.startsWith("/cycle-cursor"))).toHaveLength(3);
    expect(warnings().find((m) => stopWarning(3).test(m))).toMatch(/repeats one returned earlier/);
  });

  it("a real 50-page API whose pages look alike: all 50 pages load", async () => {
    await goodRun();
    await run(
      config("/many/items", {}, { paginator: { type: "page_number", base_page: 1, total_path: null } }),
    );
    expect(await ids()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(warnings().filter((m) => /pagination stopped/.test(m))).toEqual([]);
  });
});
