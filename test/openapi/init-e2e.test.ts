import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type CliResult, runCli, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";

/**
 * From a spec to loaded tables: a loopback API that does what its specs say (a Swagger 2.0 YAML spec and
 * an OpenAPI 3.1 JSON spec), `sluice init --openapi` on each, then `sluice run` on the generated configs.
 * The 3.1 spec is wrong about one response (it says `items`, the API sends `results`): `--check` finds
 * that on the first page and rewrites the selector.
 */
const KEY = "e2e-key-4b7d1f";
const TOKEN = "e2e-token-8c2a6e";
const USERS = 23;
const postsOf = (id: number) => (id % 3) + 1;
const EVENTS = 17;
const TAGS = 9;

function startApi(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    const q = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
    if (url.pathname.startsWith("/v1/")) {
      if (url.searchParams.get("api_key") !== KEY) return send(401, { error: "bad key" });
      if (url.pathname === "/v1/users") {
        const offset = q("offset", 0);
        const limit = Math.min(q("limit", 10), 10);
        const data = Array.from({ length: Math.max(0, Math.min(limit, USERS - offset)) }, (_, i) => {
          const id = offset + i + 1;
          return {
            id,
            name: `user ${id}`,
            email: id % 4 === 0 ? null : `u${id}@example.com`,
            updated_at: `2026-11-${String((id % 28) + 1).padStart(2, "0")}T00:00:00Z`,
          };
        });
        return send(200, { total: USERS, data });
      }
      const posts = /^\/v1\/users\/(\d+)\/posts$/.exec(url.pathname);
      if (posts) {
        const user = Number(posts[1]);
        const page = q("page", 1);
        const perPage = q("per_page", 2);
        const all = Array.from({ length: postsOf(user) }, (_, i) => ({
          id: `00000000-0000-4000-8000-${String(user * 100 + i).padStart(12, "0")}`,
          title: `post ${i} of ${user}`,
        }));
        return send(200, {
          results: all.slice((page - 1) * perPage, page * perPage),
          total_pages: Math.ceil(all.length / perPage),
        });
      }
      return send(404, { error: "no such path" });
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: "bad token" });
    if (url.pathname === "/v2/events") {
      const offset = q("offset", 0);
      const limit = q("limit", 5);
      const results = Array.from({ length: Math.max(0, Math.min(limit, EVENTS - offset)) }, (_, i) => ({
        id: offset + i + 1,
        kind: "tick",
      }));
      // The spec says `items`; the API says `results`.
      return send(200, { results, total: EVENTS });
    }
    if (url.pathname === "/v2/tags") {
      const page = q("page", 1);
      const per = 4;
      const data = Array.from({ length: Math.max(0, Math.min(per, TAGS - (page - 1) * per)) }, (_, i) => ({
        id: (page - 1) * per + i + 1,
        label: `t${i}`,
      }));
      const last = Math.ceil(TAGS / per);
      const host = `http://${req.headers.host}`;
      return send(200, data, page < last ? { link: `<${host}/v2/tags?page=${page + 1}>; rel="next"` } : {});
    }
    return send(404, { error: "no such path" });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

const swaggerSpec = (host: string) => `swagger: "2.0"
info: { title: Shop API, version: "1" }
host: ${host}
basePath: /v1
schemes: [http]
securityDefinitions:
  shopKey: { type: apiKey, in: query, name: api_key }
security: [{ shopKey: [] }]
paths:
  /users:
    get:
      tags: [users]
      summary: List users
      parameters:
        - { name: offset, in: query, type: integer }
        - { name: limit, in: query, type: integer, maximum: 10 }
        - { name: updated_since, in: query, type: string, format: date-time }
      responses:
        "200":
          description: A page of users
          schema:
            type: object
            properties:
              total: { type: integer }
              data: { type: array, items: { $ref: "#/definitions/User" } }
  /users/{user_id}/posts:
    get:
      tags: [posts]
      parameters:
        - { name: user_id, in: path, required: true, type: integer }
        - { name: page, in: query, type: integer, minimum: 1 }
        - { name: per_page, in: query, type: integer, default: 2, maximum: 2 }
      responses:
        "200":
          description: A page of posts
          schema:
            type: object
            properties:
              results: { type: array, items: { $ref: "#/definitions/Post" } }
              total_pages: { type: integer }
  /health:
    get:
      responses:
        "200": { description: ok, schema: { type: object, properties: { ok: { type: boolean } } } }
definitions:
  User:
    type: object
    required: [id, name]
    properties:
      id: { type: integer }
      name: { type: string }
      email: { type: string, x-nullable: true }
      updated_at: { type: string, format: date-time }
  Post:
    type: object
    properties:
      id: { type: string, format: uuid }
      title: { type: string }
`;

const openapi31Spec = (host: string) => ({
  openapi: "3.1.0",
  info: { title: "Events API", version: "2" },
  servers: [{ url: `http://${host}/v2` }],
  components: {
    securitySchemes: { token: { type: "http", scheme: "bearer" } },
    schemas: {
      Event: {
        type: "object",
        required: ["id"],
        properties: { id: { type: "integer" }, kind: { type: ["string", "null"] } },
      },
      Tag: { type: "object", properties: { id: { type: "integer" }, label: { type: "string" } } },
    },
  },
  security: [{ token: [] }],
  paths: {
    "/events": {
      get: {
        parameters: [
          { name: "offset", in: "query", schema: { type: "integer" } },
          { name: "limit", in: "query", schema: { type: "integer", maximum: 5 } },
        ],
        responses: {
          "200": {
            description: "events",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    items: { type: "array", items: { $ref: "#/components/schemas/Event" } },
                    total: { type: "integer" },
                  },
                },
              },
            },
          },
        },
      },
    },
    "/tags": {
      get: {
        parameters: [{ name: "page", in: "query", schema: { type: "integer" } }],
        responses: {
          "200": {
            description: "tags",
            headers: { Link: { schema: { type: "string" } } },
            content: {
              "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Tag" } } },
            },
          },
        },
      },
    },
  },
});

let api: { url: string; server: Server };
let scratch: ReturnType<typeof tempDir>;
const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  runCli(args, {
    cwd: scratch.dir,
    env: { CI: "true", SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), ...env },
  });

beforeAll(async () => {
  api = await startApi();
  scratch = tempDir("openapi-e2e");
  writeFileSync(join(scratch.dir, "shop-spec.yaml"), swaggerSpec(api.url));
  writeFileSync(join(scratch.dir, "events-spec.json"), JSON.stringify(openapi31Spec(api.url), null, 2));
});

afterAll(async () => {
  await new Promise<void>((r) => api?.server.close(() => r()));
  scratch?.remove();
});

describe("sluice init --openapi, then sluice run", () => {
  it("Swagger 2.0: api key in the query, offset paging with a total, a child through a path parameter, incremental", async () => {
    const init = await cli(["init", "--openapi", "shop-spec.yaml", "--out", "shop.yaml"]);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    expect(init.stdout).toMatch(/Created shop\.yaml, \.sluice\/secrets\.toml/);
    const text = readFileSync(join(scratch.dir, "shop.yaml"), "utf8");
    expect(text).toContain("# - GET /health: its response is not a list of objects");
    const config = parseYaml(text) as {
      client: Record<string, unknown>;
      resources: Record<string, unknown>[];
    };
    expect(config.client).toEqual({
      base_url: `http://${api.url}/v1`,
      auth: { type: "api_key", name: "api_key", api_key: `\${secrets.shop_key}`, location: "query" },
    });
    const [users, posts] = config.resources;
    expect(users).toMatchObject({
      name: "users",
      primary_key: "id",
      endpoint: {
        path: "users",
        data_selector: "data",
        paginator: { type: "offset", limit: 10, total_path: "total" },
        incremental: { start_param: "updated_since", cursor_path: "updated_at" },
      },
      columns: {
        id: { data_type: "bigint", nullable: false },
        email: { data_type: "text", nullable: true },
        updated_at: { data_type: "timestamp", nullable: true },
      },
    });
    expect(posts).toMatchObject({
      name: "posts",
      primary_key: "id",
      endpoint: {
        path: "users/{resources.users.id}/posts",
        data_selector: "results",
        paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
        params: { per_page: 2 },
      },
    });
    // The secret goes where the template says; the key never reaches the config.
    const secrets = readFileSync(join(scratch.dir, ".sluice/secrets.toml"), "utf8");
    expect(secrets).toContain('shop_key = ""');
    writeFileSync(
      join(scratch.dir, ".sluice/secrets.toml"),
      secrets.replace('shop_key = ""', `shop_key = "${KEY}"`),
    );
    expect(readFileSync(join(scratch.dir, ".gitignore"), "utf8")).toContain(".sluice/secrets.toml");

    const run = await cli(["run", "shop.yaml"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(KEY);
    const db = join(scratch.dir, "shop.duckdb");
    const count = async (t: string) =>
      Number((await queryDuckdb(db, `SELECT count(*) AS n FROM shop_dataset.${t}`))[0]?.["n"]);
    expect(await count("users")).toBe(USERS);
    const expectedPosts = Array.from({ length: USERS }, (_, i) => postsOf(i + 1)).reduce((a, b) => a + b, 0);
    expect(await count("posts")).toBe(expectedPosts);
    const nulls = await queryDuckdb(db, "SELECT count(*) AS n FROM shop_dataset.users WHERE email IS NULL");
    expect(Number(nulls[0]?.["n"])).toBe(Math.floor(USERS / 4));
  }, 120_000);

  it("OpenAPI 3.1: bearer auth, a Link-header API, and --check rewriting a selector the responses prove wrong", async () => {
    writeFileSync(join(scratch.dir, ".sluice/secrets.toml"), `token = "${TOKEN}"\n`);
    const init = await cli(["init", "--openapi", "events-spec.json", "--out", "events.yaml", "--check"]);
    expect(init.code, init.stderr + init.stdout).toBe(0);
    expect(init.stdout).toMatch(/events +GET \/events +offset .*rewritten: data_selector → results/);
    expect(init.stdout).toMatch(/tags +GET \/tags +header_link .*ok: /);
    expect(init.stdout + init.stderr).not.toContain(TOKEN);
    const config = parseYaml(readFileSync(join(scratch.dir, "events.yaml"), "utf8")) as {
      client: Record<string, unknown>;
      resources: { name: string; endpoint: Record<string, unknown> }[];
    };
    expect(config.client["auth"]).toEqual({ type: "bearer", token: `\${secrets.token}` });
    expect(config.resources.find((r) => r.name === "events")?.endpoint["data_selector"]).toBe("results");
    expect(config.resources.find((r) => r.name === "tags")?.endpoint["paginator"]).toEqual({
      type: "header_link",
    });
    const run = await cli(["run", "events.yaml"]);
    expect(run.code, run.stderr).toBe(0);
    const db = join(scratch.dir, "events.duckdb");
    const count = async (t: string) =>
      Number((await queryDuckdb(db, `SELECT count(*) AS n FROM events_dataset.${t}`))[0]?.["n"]);
    expect(await count("events")).toBe(EVENTS);
    expect(await count("tags")).toBe(TAGS);
  }, 120_000);

  it("a spec with nothing to load is refused with the reason, and nothing is written", async () => {
    writeFileSync(
      join(scratch.dir, "empty-spec.json"),
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        paths: { "/ping": { get: { responses: { "200": { description: "ok" } } } } },
      }),
    );
    const init = await cli(["init", "--openapi", "empty-spec.json", "--out", "empty.yaml"]);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/No resource to generate from empty-spec\.json/);
    expect(init.stderr).toMatch(/GET \/ping: its response is not a list of objects/);
    const bad = await cli(["init", "--openapi", "nope.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Cannot read the OpenAPI spec nope\.yaml/);
  }, 60_000);
});
