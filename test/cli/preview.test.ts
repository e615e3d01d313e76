import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

const TOKEN = "tok-preview-8d2f41";
const KEY = "key-preview-77ab";
const PASSWORD = "pw-preview-3c9e";
const CLIENT_SECRET = "cs-preview-e05b";
const ACCESS = "access-preview-91fa";
const SECRETS = [TOKEN, KEY, PASSWORD, CLIENT_SECRET, ACCESS];
/** Five pages of 3 records each, whatever the paginator. */
const PAGES = 5;
const rows = (page: number) =>
  Array.from({ length: 3 }, (_, i) => ({ id: page * 3 + i, name: `n${page}-${i}` }));

/**
 * `sluice preview`: every paginator and every auth type against one loopback API; nothing written; a
 * selector that misses shows the response's lists.
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the configs hold sluice secret references, not JS templates */
describe("sluice preview", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    api = await startHttpServer((req, res) => {
      const auth = req.headers.authorization ?? "";
      const path = req.path.split("?")[0]!;
      if (path === "/token") {
        return req.body.includes(CLIENT_SECRET)
          ? sendJson(res, { access_token: ACCESS, expires_in: 3600 })
          : sendJson(res, { error: "bad client" }, 401);
      }
      const authorized: Record<string, boolean> = {
        "/offset": auth === `Bearer ${TOKEN}`,
        "/pages": req.query.get("api_key") === KEY,
        "/cursor": auth === `Basic ${Buffer.from(`me:${PASSWORD}`).toString("base64")}`,
        "/link": auth === `Bearer ${ACCESS}`,
      };
      if (authorized[path] === false) return sendJson(res, { error: "unauthorized" }, 401);
      const q = req.query;
      const base = `${api.url}${path}`;
      switch (path) {
        case "/offset": {
          const page = Number(q.get("offset") ?? 0) / 3;
          return sendJson(res, { items: rows(page), total: PAGES * 3 });
        }
        case "/pages": {
          const page = Number(q.get("page") ?? 1) - 1;
          return sendJson(res, { items: rows(page), total_pages: PAGES });
        }
        case "/cursor": {
          const page = Number(q.get("cursor") ?? 0);
          return sendJson(res, {
            items: rows(page),
            next_cursor: page + 1 < PAGES ? String(page + 1) : null,
          });
        }
        case "/link": {
          const page = Number(q.get("p") ?? 0);
          return sendJson(res, {
            items: rows(page),
            next: page + 1 < PAGES ? `${base}?p=${page + 1}` : null,
          });
        }
        case "/header-link": {
          const page = Number(q.get("p") ?? 0);
          const link = page + 1 < PAGES ? { link: `<${base}?p=${page + 1}>; rel="next"` } : undefined;
          return sendJson(res, rows(page), 200, link);
        }
        case "/header-cursor": {
          const page = Number(q.get("cursor") ?? 0);
          return sendJson(res, rows(page), 200, page + 1 < PAGES ? { next: String(page + 1) } : undefined);
        }
        case "/one":
          return sendJson(res, { data: { id: 1, kids: [{ k: 1 }, { k: 2 }] } });
        case "/wrapped":
          return sendJson(res, { result: { entries: rows(0) }, meta: { tags: ["a", "b"] } });
        default: {
          const child = /^\/offset\/(\d+)\/notes$/.exec(path);
          if (child) return sendJson(res, [{ note: `about ${child[1]}` }, { note: "" }, { note: null }]);
          return sendJson(res, { error: "not found" }, 404);
        }
      }
    });
    scratch = tempDir("preview");
    writeFileSync(
      join(scratch.dir, "api.json"),
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          {
            name: "by_offset",
            primary_key: "id",
            write_disposition: "merge",
            columns: { name: { data_type: "text" } },
            endpoint: {
              path: "offset",
              auth: { type: "bearer", token: "${secrets.api_token}" },
              paginator: { type: "offset", limit: 3, total_path: "total" },
              data_selector: "items",
            },
          },
          {
            name: "notes",
            endpoint: { path: "offset/{resources.by_offset.id}/notes", paginator: "single_page" },
          },
          {
            name: "by_page",
            endpoint: {
              path: "pages",
              auth: { type: "api_key", name: "api_key", location: "query", api_key: "${secrets.api_key}" },
              paginator: { type: "page_number", base_page: 1, total_path: "total_pages" },
              data_selector: "items",
            },
          },
          {
            name: "by_cursor",
            endpoint: {
              path: "cursor",
              auth: { type: "http_basic", username: "me", password: "${secrets.password}" },
              paginator: { type: "cursor", cursor_path: "next_cursor", cursor_param: "cursor" },
              data_selector: "items",
            },
          },
          {
            name: "by_json_link",
            endpoint: {
              path: "link",
              auth: {
                type: "oauth2_client_credentials",
                access_token_url: `${api.url}/token`,
                client_id: "me",
                client_secret: "${secrets.client_secret}",
              },
              paginator: { type: "json_link", next_url_path: "next" },
              data_selector: "items",
            },
          },
          { name: "by_header_link", endpoint: { path: "header-link", paginator: "header_link" } },
          {
            name: "by_header_cursor",
            endpoint: { path: "header-cursor", paginator: { type: "header_cursor", cursor_key: "next" } },
          },
          { name: "single", endpoint: { path: "one", data_selector: "data", paginator: "single_page" } },
          {
            name: "detected",
            endpoint: { path: "offset", auth: { type: "bearer", token: "${secrets.api_token}" } },
          },
        ],
      }),
    );
    writeFileSync(
      join(scratch.dir, "wrong.json"),
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [{ name: "wrapped", endpoint: { path: "wrapped", data_selector: "result.items" } }],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const env = () => ({
    SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"),
    CI: "true",
    API_TOKEN: TOKEN,
    API_KEY: KEY,
    PASSWORD,
    CLIENT_SECRET,
  });
  const cli = (args: string[]) => runCli(args, { cwd: scratch.dir, env: env() });
  const written = () => readdirSync(scratch.dir).sort();

  interface Previewed {
    name: string;
    pages: number;
    records: number;
    parentRecords?: number;
    ended: string;
    requests: { url: string; status: number; page?: { records: number; next: string } }[];
    error?: { code: string; message: string; candidates?: { path: string; length: number; items: string }[] };
  }

  it("reads two pages of every paginator under every auth, shows each decision, and writes nothing", async () => {
    const before = written();
    const run = await cli(["preview", "api.json", "--json"]);
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    for (const s of SECRETS) expect(run.stdout + run.stderr).not.toContain(s);
    const result = JSON.parse(run.stdout) as {
      resources: Previewed[];
      tables: { name: string; rowCount: number; rows: Record<string, unknown>[]; hinted: string[] }[];
      schema: {
        tables: Record<string, { columns: Record<string, { data_type: string; primary_key?: boolean }> }>;
      };
    };
    const by = Object.fromEntries(result.resources.map((r) => [r.name, r]));
    for (const name of [
      "by_offset",
      "by_page",
      "by_cursor",
      "by_json_link",
      "by_header_link",
      "by_header_cursor",
    ]) {
      const r = by[name]!;
      expect([name, r.pages, r.records, r.ended]).toEqual([name, 2, 6, "pages"]);
      expect(r.requests.every((q) => q.status === 200 && q.page?.records === 3)).toBe(true);
    }
    expect(by.by_offset!.requests[0]!.page!.next).toMatch(
      /^the remaining pages up to total 15, \d+ at a time$/,
    );
    expect(by.by_page!.requests[0]!.page!.next).toMatch(/the remaining pages|GET .*page=2/);
    expect(by.by_cursor!.requests[0]!.page!.next).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/cursor\?cursor=1$/,
    );
    expect(by.by_json_link!.requests[0]!.page!.next).toMatch(/^GET .*\/link\?p=1$/);
    expect(by.by_header_link!.requests[0]!.page!.next).toMatch(/^GET .*\/header-link\?p=1$/);
    expect(by.by_header_cursor!.requests[0]!.page!.next).toMatch(/^GET .*\/header-cursor\?cursor=1$/);
    expect(by.single).toMatchObject({ pages: 1, records: 1, ended: "end" });
    expect(by.single!.requests[0]!.page!.next).toMatch(/^stop: /);
    // No paginator configured and nothing in the response to page by: one page, as dlt detects it.
    expect(by.detected).toMatchObject({ pages: 1, records: 3, ended: "end" });
    // A child is read for the first three parent records only.
    expect(by.notes).toMatchObject({ parentRecords: 3, pages: 3, records: 9 });

    const tables = Object.fromEntries(result.tables.map((t) => [t.name, t]));
    expect(tables.by_offset).toMatchObject({ rowCount: 6, hinted: ["name"] });
    expect(tables.by_offset!.rows).toHaveLength(5);
    expect(result.schema.tables.by_offset!.columns.id).toMatchObject({
      data_type: "bigint",
      primary_key: true,
    });
    expect(tables.single__kids?.rowCount).toBe(2);
    // Nothing written: no working dir, no DuckDB file, no state.
    expect(written()).toEqual(before);
    expect(existsSync(join(scratch.dir, "pipelines"))).toBe(false);
  }, 60_000);

  it("prints requests, rows (NULL apart from empty text) and the schema as text", async () => {
    const run = await cli(["preview", "api.json", "--resource", "notes", "--pages", "1"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Preview of api\.json: nothing was written\./);
    expect(run.stdout).toMatch(
      /by_offset \(not loaded: read for its children\): 1 page, 3 records; stopped at the page limit/,
    );
    expect(run.stdout).toMatch(
      /notes \(child of by_offset\): 3 pages, 9 records for 3 parent records; no more pages/,
    );
    expect(run.stdout).toMatch(/^ {2}about 0\n {2}""\n {2}NULL$/m);
    expect(run.stdout).toMatch(/notes: table of resource notes, append/);
    expect(run.stdout).not.toMatch(/^by_offset: table/m);
  }, 60_000);

  it("a data_selector that selects nothing fails the preview with the response's lists and the fix", async () => {
    const run = await cli(["preview", "wrong.json"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/wrapped: 0 pages, 0 records; failed/);
    expect(run.stdout).toMatch(/error: resource "wrapped": data_selector "result\.items" matched nothing/);
    expect(run.stdout).toMatch(
      /lists in the response: result\.entries \(3 objects\), meta\.tags \(2 strings\)/,
    );
    expect(run.stdout).toMatch(/fix: set the resource's endpoint\.data_selector to "result\.entries"/);
    const json = JSON.parse((await cli(["preview", "wrong.json", "--json"])).stdout) as {
      resources: Previewed[];
    };
    expect(json.resources[0]!.error).toMatchObject({
      code: "DATA_SELECTOR_MISSED",
      candidates: [
        { path: "result.entries", length: 3, items: "objects" },
        { path: "meta.tags", length: 2, items: "strings" },
      ],
    });
  }, 60_000);
});
