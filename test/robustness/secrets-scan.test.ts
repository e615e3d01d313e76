import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";
import {
  type Reply,
  type SeenRequest,
  type SourceServer,
  startSourceServer,
} from "../support/source-server.js";

/**
 * Secrets never leave sluice (DESIGN §2): one run per auth type with a distinctive secret against a
 * loopback API that requires it, then every place a secret could surface is scanned: stdout and stderr
 * (debug text logs and JSON logs), the trace and every other file in the pipeline's working dir, the
 * DuckDB file and every value of every table in it. Error paths included: APIs that echo the request
 * (URL, headers, form body) in a 4xx/5xx response.
 */

// Characters that URL-encode differently, so the encoded forms are scanned as well.
const S = {
  // A quote and a backslash: JSON-escaped wherever a body echoes it.
  bearer: 'brr-7Qx"tok\\en+91a',
  header: "hdr-k3y+Zz/8801",
  query: "qry-k3y+Yy/4412=",
  cookie: "cky-v4l+Ww/5523",
  basicUser: "robot-user-6634",
  basicPassword: "bsc-p4ss+Vv/6634",
  clientId: "cid-0a1b+2c3d/77",
  // A space: "+" in a form body, "%20" in a URL.
  clientSecret: "csec-Uu 9/8877=",
  accessToken: "acc-t0k3n+Tt/9988",
} as const;

/** Every spelling of a secret a leak could take: raw, URL-encoded, form-encoded, Basic's base64. */
const NEEDLES: string[] = [
  ...Object.values(S).flatMap((v) => [
    v,
    encodeURIComponent(v),
    new URLSearchParams({ x: v }).toString().slice(2),
    JSON.stringify(v).slice(1, -1),
  ]),
  Buffer.from(`${S.basicUser}:${S.basicPassword}`).toString("base64"),
  Buffer.from(`${S.clientId}:${S.clientSecret}`).toString("base64"),
  Buffer.from(`${encodeURIComponent(S.clientId)}:${encodeURIComponent(S.clientSecret)}`).toString("base64"),
].filter((v, i, all) => all.indexOf(v) === i);

/** The API: each path demands one kind of credential; `/echo…` paths fail and echo the request back. */
function route(req: SeenRequest): Reply {
  const h = req.headers;
  // What a careless API does: the credentials first (an error snippet is short), then the request.
  const echo = (status: number): Reply => ({
    status,
    body: {
      authorization: h.authorization,
      cookie: h.cookie,
      api_key: h["x-api-key"],
      body: req.body,
      url: `${req.path}?${req.query.toString()}`,
      error: "rejected",
    },
  });
  if (req.path === "/oauth/token") {
    const form = new URLSearchParams(typeof req.body === "string" ? req.body : "");
    // RFC 6749 §2.3.1: Basic client credentials are form-encoded before base64.
    const basic = /^Basic (.+)$/.exec(h.authorization ?? "")?.[1];
    const [id, pw] = basic ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent) : [];
    const ok =
      (form.get("client_id") === S.clientId && form.get("client_secret") === S.clientSecret) ||
      (id === S.clientId && pw === S.clientSecret);
    if (!ok) return echo(401);
    return { body: { access_token: S.accessToken, token_type: "bearer", expires_in: 3600 } };
  }
  if (req.path === "/oauth-bad/token") return echo(400);
  const records = (kind: string): Reply => ({
    body: {
      data: [
        { id: 1, kind },
        { id: 2, kind },
      ],
    },
  });
  switch (req.path) {
    case "/bearer":
      return h.authorization === `Bearer ${S.bearer}` ? records("bearer") : echo(401);
    case "/header":
      return h["x-api-key"] === S.header ? records("header") : echo(401);
    case "/query":
      return req.query.get("code") === S.query ? records("query") : echo(401);
    case "/cookie":
      return h.cookie === `sess=${S.cookie}` ? records("cookie") : echo(401);
    case "/basic":
      return h.authorization ===
        `Basic ${Buffer.from(`${S.basicUser}:${S.basicPassword}`).toString("base64")}`
        ? records("basic")
        : echo(401);
    case "/oauth":
      return h.authorization === `Bearer ${S.accessToken}` ? records("oauth") : echo(401);
    case "/echo-400":
      return echo(400);
    case "/echo-500":
      return echo(500);
    default:
      return { status: 404, body: {} };
  }
}

const ENV = {
  BEARER_TOKEN: S.bearer,
  HEADER_KEY: S.header,
  QUERY_KEY: S.query,
  COOKIE_KEY: S.cookie,
  BASIC_USER: S.basicUser,
  BASIC_PASSWORD: S.basicPassword,
  CLIENT_ID: S.clientId,
  CLIENT_SECRET: S.clientSecret,
};

const secret = (name: string) => `\${secrets.${name}}`;

function resources(base: string) {
  const oauth = (tokenPath: string, clientAuth: "body" | "basic") => ({
    type: "oauth2",
    token_url: `${base}${tokenPath}`,
    client_id: secret("client_id"),
    client_secret: secret("client_secret"),
    client_auth: clientAuth,
  });
  return {
    ok: [
      {
        name: "bearer",
        endpoint: { path: "bearer", auth: { type: "bearer", token: secret("bearer_token") } },
      },
      {
        name: "header",
        endpoint: {
          path: "header",
          auth: { type: "api_key", name: "X-Api-Key", api_key: secret("header_key") },
        },
      },
      {
        name: "query",
        // A parameter name no "sensitive name" rule knows: only the secret registry can mask it.
        endpoint: {
          path: "query",
          auth: { type: "api_key", name: "code", location: "query", api_key: secret("query_key") },
        },
      },
      {
        name: "cookie",
        endpoint: {
          path: "cookie",
          auth: { type: "api_key", name: "sess", location: "cookie", api_key: secret("cookie_key") },
        },
      },
      {
        name: "basic",
        endpoint: {
          path: "basic",
          auth: { type: "http_basic", username: secret("basic_user"), password: secret("basic_password") },
        },
      },
      { name: "oauth_body", endpoint: { path: "oauth", auth: oauth("/oauth/token", "body") } },
      { name: "oauth_basic", endpoint: { path: "oauth", auth: oauth("/oauth/token", "basic") } },
    ],
    failing: (path: string, auth: Record<string, unknown>) => [{ name: "echo", endpoint: { path, auth } }],
    oauth,
  };
}

describe("secrets never surface", () => {
  let api: SourceServer;
  let scratch: ReturnType<typeof tempDir>;
  const outputs: Array<{ what: string; text: string }> = [];

  beforeAll(async () => {
    api = await startSourceServer(route);
    scratch = tempDir("secrets");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const writeConfig = (file: string, list: unknown[]) => {
    const config = {
      client: { base_url: api.url, paginator: "single_page", error_handler: { max_retries: 0 } },
      resource_defaults: { endpoint: { data_selector: "data" } },
      resources: list,
    };
    writeFileSync(join(scratch.dir, file), JSON.stringify(config));
  };
  const cli = async (what: string, args: string[]): Promise<CliResult> => {
    const r = await runCli(args, {
      cwd: scratch.dir,
      env: { ...ENV, SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    });
    outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
    return r;
  };

  /** Every place of `text` where a secret in any spelling appears. */
  const hits = (what: string, text: string) =>
    NEEDLES.filter((n) => text.includes(n)).map((n) => `${what}: ${JSON.stringify(n)}`);

  const filesUnder = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });

  async function scanDestination(dbFile: string): Promise<string[]> {
    const found: string[] = [];
    const tables = await queryDuckdb(
      dbFile,
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog')",
    );
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) {
      const q = (s: unknown) => `"${String(s).replaceAll('"', '""')}"`;
      const rows = await queryDuckdb(dbFile, `SELECT * FROM ${q(t.table_schema)}.${q(t.table_name)}`);
      found.push(...hits(`table ${t.table_schema}.${t.table_name}`, JSON.stringify(rows)));
    }
    return found;
  }

  it("every auth type: a debug run, a JSON-log run and the pipeline commands leak nothing", async () => {
    const r = resources(api.url);
    writeConfig("vault.json", r.ok);
    const text = await cli("run --log-level debug", ["run", "vault.json", "--log-level", "debug"]);
    expect(text.code, text.stderr).toBe(0);
    const json = await cli("run --log-format json", [
      "run",
      "vault.json",
      "--log-format",
      "json",
      "--log-level",
      "debug",
    ]);
    expect(json.code, json.stderr).toBe(0);
    for (const sub of ["info", "show", "trace"]) await cli(`pipeline ${sub}`, ["pipeline", "vault", sub]);
    await cli("validate", ["validate", "vault.json"]);

    // The API saw every credential: the run really used them.
    const seen = api.requests
      .map((q) => `${q.path} ${q.query.toString()} ${Object.values(q.headers).join(" ")}`)
      .join("\n");
    for (const v of [S.bearer, S.header, S.cookie, S.accessToken, encodeURIComponent(S.query)])
      expect(seen).toContain(v);
    const rows = await queryDuckdb(
      join(scratch.dir, "vault.duckdb"),
      "SELECT count(*)::INTEGER AS n FROM vault_dataset.oauth_basic",
    );
    expect(rows).toEqual([{ n: 4 }]);

    const found = outputs.flatMap((o) => hits(o.what, o.text));
    for (const f of filesUnder(join(scratch.dir, "pipelines")))
      found.push(...hits(f.slice(scratch.dir.length), readFileSync(f).toString("latin1")));
    found.push(
      ...hits("vault.duckdb (bytes)", readFileSync(join(scratch.dir, "vault.duckdb")).toString("latin1")),
    );
    found.push(...(await scanDestination(join(scratch.dir, "vault.duckdb"))));
    expect(found).toEqual([]);
  }, 120_000);

  it("APIs and token endpoints that echo the request in a 4xx/5xx: the errors mask every secret", async () => {
    outputs.length = 0;
    const r = resources(api.url);
    const cases: Array<[string, string, Record<string, unknown>]> = [
      [
        "echo-400",
        "echo-400",
        { type: "api_key", name: "code", location: "query", api_key: secret("query_key") },
      ],
      ["echo-500", "echo-500", { type: "bearer", token: secret("bearer_token") }],
      [
        "echo-basic",
        "echo-400",
        { type: "http_basic", username: secret("basic_user"), password: secret("basic_password") },
      ],
      [
        "echo-cookie",
        "echo-500",
        { type: "api_key", name: "sess", location: "cookie", api_key: secret("cookie_key") },
      ],
      ["token-400-body", "oauth", r.oauth("/oauth-bad/token", "body")],
      ["token-400-basic", "oauth", r.oauth("/oauth-bad/token", "basic")],
    ];
    // Three processes at a time: each failing run is a separate pipeline.
    const inBatches = async (jobs: Array<() => Promise<unknown>>) => {
      for (let i = 0; i < jobs.length; i += 3) await Promise.all(jobs.slice(i, i + 3).map((j) => j()));
    };
    for (const [name, path, auth] of cases) writeConfig(`${name}.json`, r.failing(path, auth));
    await inBatches(
      cases.map(([name]) => async () => {
        const run = await cli(name, ["run", `${name}.json`, "--log-level", "debug", "--verbose"]);
        expect(run.code, `${name}: ${run.stdout}`).not.toBe(0);
        expect(run.stderr, name).toMatch(/^error: /m);
      }),
    );
    await inBatches(
      cases.flatMap(([name], i) =>
        // JSON logs and the trace command for every other case: each process costs seconds.
        i % 2 === 1
          ? []
          : [
              async () =>
                expect(
                  (await cli(`${name} json`, ["run", `${name}.json`, "--log-format", "json"])).code,
                ).not.toBe(0),
              () => cli(`${name} trace`, ["pipeline", name, "trace"]),
            ],
      ),
    );
    if (process.env.SLUICE_SHOW_SECRET_SCAN) for (const o of outputs) console.log(o.what, o.text);
    const found = outputs.flatMap((o) => hits(o.what, o.text));
    for (const f of filesUnder(join(scratch.dir, "pipelines")))
      found.push(...hits(f.slice(scratch.dir.length), readFileSync(f).toString("latin1")));
    expect(found).toEqual([]);
    // The errors still say what happened: the status and the masked URL.
    const stderr = outputs
      .filter((o) => o.what === "echo-400 stderr")
      .map((o) => o.text)
      .join("");
    expect(stderr).toContain("400");
    expect(stderr).toMatch(/echo-400\?code=(\*\*\*|%2A%2A%2A)/);
  }, 180_000);
});
