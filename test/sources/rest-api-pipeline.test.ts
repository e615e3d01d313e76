import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RestApiConfigInput } from "../../src/sources/rest_api/index.js";
import { restApiSource } from "../../src/sources/rest_api/index.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";
import { type SeenRequest, type SourceServer, startSourceServer } from "../support/source-server.js";

let events: Array<Record<string, unknown>> = [];
const businesses = [
  { id: 1, businessName: "Acme", updated_at: "x", followers: 3 },
  { id: 2, businessName: null, updated_at: "y", followers: 4 },
];

function route(req: SeenRequest) {
  if (req.headers.authorization !== "Bearer tok-e2e-secret") return { status: 401, body: { error: "auth" } };
  if (req.path === "/v1/events") {
    const since = req.query.get("since") ?? "";
    const offset = Number(req.query.get("offset") ?? 0);
    const limit = Number(req.query.get("limit") ?? 100);
    const all = events.filter((e) => String(e.updated_at) >= since);
    return { body: { data: all.slice(offset, offset + limit) } };
  }
  if (req.path === "/v1/businesses") return { body: { data: businesses } };
  const notes = req.path.match(/^\/v1\/businesses\/(\d+)\/notes$/);
  if (notes) {
    const after = Number(req.query.get("after") ?? 0);
    return { body: (businessNotes[notes[1] ?? ""] ?? []).filter((n) => n.seq >= after) };
  }
  const m = req.path.match(/^\/v1\/businesses\/(\d+)\/locations$/);
  if (m) return { body: { data: [{ city: `city-${m[1]}`, open: true }] } };
  return { status: 404, body: {} };
}

const businessNotes: Record<string, Array<{ seq: number; text: string }>> = {};

let server: SourceServer;
let sb: PipelineSandbox;
beforeAll(async () => {
  server = await startSourceServer(route);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  sb = pipelineSandbox("sluice-src-");
});
afterEach(() => sb.cleanup());

function config(): RestApiConfigInput {
  return {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file spelling of a secret, on purpose
    client: { base_url: `${server.url}/v1`, auth: { type: "bearer", token: "${secrets.e2e_token}" } },
    resource_defaults: { primary_key: "id", write_disposition: "merge" },
    resources: [
      {
        name: "events",
        write_disposition: "append",
        endpoint: {
          path: "events",
          data_selector: "data",
          paginator: { type: "offset", limit: 2 },
          incremental: { cursor_path: "updated_at", start_param: "since", initial_value: "2024-01-01" },
        },
      },
      {
        name: "businesses",
        exclude_columns: ["updated_at", "followers"],
        columns: {
          type: "object",
          properties: { id: { type: "integer" }, businessName: { type: ["string", "null"] } },
          required: ["id"],
        },
        endpoint: { path: "businesses", data_selector: "data", paginator: "single_page" },
      },
      {
        name: "locations",
        primary_key: "city",
        include_from_parent: ["id"],
        endpoint: { path: "businesses/{resources.businesses.id}/locations", paginator: "single_page" },
      },
    ],
  };
}

describe("restApiSource → pipeline → DuckDB", () => {
  it("loads parents, children and an incremental resource across two runs without duplicates", async () => {
    const env = { E2E_TOKEN: "tok-e2e-secret" };
    events = [
      { id: 1, updated_at: "2024-01-01", kind: "a" },
      { id: 2, updated_at: "2024-01-02", kind: "b" },
      { id: 3, updated_at: "2024-01-03", kind: "c" },
    ];
    const first = restApiSource(config(), { env });
    try {
      await sb.make("src_e2e").run(first);
    } finally {
      await first.close();
    }
    expect(await sb.query("SELECT id FROM $ds.events ORDER BY id")).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
    expect(await sb.query("SELECT id, business_name FROM $ds.businesses ORDER BY id")).toEqual([
      { id: 1, business_name: "Acme" },
      { id: 2, business_name: null },
    ]);
    expect(await sb.query("SELECT city, _businesses_id FROM $ds.locations ORDER BY city")).toEqual([
      { city: "city-1", _businesses_id: 1 },
      { city: "city-2", _businesses_id: 2 },
    ]);
    const cols = await sb.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'src_e2e_dataset' AND table_name = 'businesses' AND column_name NOT LIKE '_sluice%' ORDER BY column_name",
    );
    expect(cols).toEqual([
      { column_name: "business_name", data_type: "VARCHAR" },
      { column_name: "id", data_type: "BIGINT" },
    ]);

    // A late record at the boundary value, and a newer one: the API's "since" is inclusive.
    events.push(
      { id: 4, updated_at: "2024-01-03", kind: "late" },
      { id: 5, updated_at: "2024-01-04", kind: "d" },
    );
    const before = server.requests.length;
    const second = restApiSource(config(), { env });
    try {
      await sb.make("src_e2e").run(second);
    } finally {
      await second.close();
    }
    const eventRequests = server.requests.slice(before).filter((r) => r.path === "/v1/events");
    expect(eventRequests[0]?.query.get("since")).toBe("2024-01-03");
    expect(await sb.query("SELECT id, kind FROM $ds.events ORDER BY id")).toEqual([
      { id: 1, kind: "a" },
      { id: 2, kind: "b" },
      { id: 3, kind: "c" },
      { id: 4, kind: "late" },
      { id: 5, kind: "d" },
    ]);
    expect(await sb.count("businesses")).toBe(2);
    expect(await sb.count("locations")).toBe(2);
  });

  it("fails before any request when a secret is missing, naming it", () => {
    const before = server.requests.length;
    expect(() => restApiSource(config(), { env: {}, cwd: sb.dir })).toThrow(/e2e_token/);
    expect(server.requests.length).toBe(before);
  });

  it("keeps a cursor per parent record in the pipeline state across runs", async () => {
    const env = { E2E_TOKEN: "tok-e2e-secret" };
    businessNotes["1"] = [
      { seq: 1, text: "a" },
      { seq: 2, text: "b" },
    ];
    businessNotes["2"] = [{ seq: 7, text: "c" }];
    const cfg = (): RestApiConfigInput => {
      const base = config();
      return {
        ...base,
        resources: [
          {
            name: "businesses",
            selected: false,
            endpoint: { path: "businesses", data_selector: "data", paginator: "single_page" },
          },
          {
            name: "notes",
            write_disposition: "append",
            primary_key: "seq",
            include_from_parent: ["id"],
            endpoint: {
              path: "businesses/{resources.businesses.id}/notes",
              paginator: "single_page",
              incremental: { cursor_path: "seq", start_param: "after", initial_value: 0 },
            },
          },
        ],
      };
    };
    const run = async () => {
      const source = restApiSource(cfg(), { env });
      try {
        await sb.make("src_notes").run(source);
      } finally {
        await source.close();
      }
    };
    await run();
    expect(await sb.query("SELECT _businesses_id AS b, seq FROM $ds.notes ORDER BY b, seq")).toEqual([
      { b: 1, seq: 1 },
      { b: 1, seq: 2 },
      { b: 2, seq: 7 },
    ]);
    businessNotes["1"].push({ seq: 3, text: "d" });
    const before = server.requests.length;
    await run();
    const afters = server.requests
      .slice(before)
      .filter((r) => r.path.endsWith("/notes"))
      .map((r) => [r.path, r.query.get("after")]);
    expect(afters).toEqual([
      ["/v1/businesses/1/notes", "2"],
      ["/v1/businesses/2/notes", "7"],
    ]);
    expect(await sb.query("SELECT _businesses_id AS b, seq FROM $ds.notes ORDER BY b, seq")).toEqual([
      { b: 1, seq: 1 },
      { b: 1, seq: 2 },
      { b: 1, seq: 3 },
      { b: 2, seq: 7 },
    ]);
    // the unselected parent fed its children but was not loaded
    expect(
      await sb.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'businesses' AND table_schema = 'src_notes_dataset'",
      ),
    ).toEqual([{ n: 0 }]);
  });
});
