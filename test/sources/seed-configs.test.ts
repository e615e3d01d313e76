import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { secrets } from "../../src/config/index.js";
import { type DemoApi, startDemoApi } from "../../src/demo/api-server.js";
import { demoEnv } from "../../src/demo/demo-env.js";
import type { JsonSchemaObject } from "../../src/sources/rest_api/config-types.js";
import { type RestApiConfigInput, restApiSource } from "../../src/sources/rest_api/index.js";
import { type PipelineSandbox, pipelineSandbox } from "../support/pipeline-helpers.js";

/**
 * The five seed configs as TypeScript objects, translated only in syntax (`dlt.secrets["x"]` →
 * `secrets["x"]`; hosts pointed at the loopback demo API), run through the pipeline into DuckDB.
 */
const COUNTS = {
  analytics: 130,
  businesses: 23,
  connections: 14,
  customers: 32,
  items: 9,
  events: 25,
  organizations: 4,
  repositories: 12,
  resources: 18,
};

let api: DemoApi;
let sb: PipelineSandbox;
beforeAll(async () => {
  api = await startDemoApi({ throttleEvery: 0, counts: COUNTS });
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  sb = pipelineSandbox("sluice-seed-");
});
afterEach(() => sb.cleanup());

const offset100 = { type: "offset" as const, limit: 100 };
const offset10 = { type: "offset" as const, limit: 10 };

async function load(name: string, config: RestApiConfigInput): Promise<void> {
  const source = restApiSource(config, { env: demoEnv(api.url), cwd: sb.dir });
  try {
    await sb.make(name).run(source);
  } finally {
    await source.close();
  }
}

async function columns(dataset: string, table: string): Promise<Record<string, string>> {
  const rows = await sb.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${table}' AND column_name NOT LIKE '\\_sluice%' ESCAPE '\\'`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.column_name), String(r.data_type)]));
}

async function tables(dataset: string): Promise<string[]> {
  const rows = await sb.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${dataset}' AND table_name NOT LIKE '\\_sluice%' ESCAPE '\\' ORDER BY table_name`,
  );
  return rows.map((r) => String(r.table_name));
}

describe("seed configs through restApiSource into DuckDB", () => {
  it("000: OAuth2 (token_url), offset paging, merge on analytics_id, nested data", async () => {
    await load("seed000", {
      client: {
        base_url: api.url,
        auth: {
          type: "oauth2",
          client_id: secrets["client_id"]!,
          client_secret: secrets["client_secret"]!,
          token_url: `${api.url}/token`,
        },
      },
      resource_defaults: { primary_key: "analytics_id", write_disposition: "merge" },
      resources: [
        {
          name: "analytics_data",
          endpoint: { path: "/v1/analytics", data_selector: "data", paginator: offset100 },
        },
      ],
    });
    expect(await sb.count("analytics_data")).toBe(COUNTS.analytics);
    const cols = await columns("seed000_dataset", "analytics_data");
    expect(cols).toMatchObject({ analytics_id: "BIGINT", event_name: "VARCHAR", user__country: "VARCHAR" });
    expect(cols.occurred_at).toMatch(/^TIMESTAMP/);
    expect(await tables("seed000_dataset")).toEqual(
      expect.arrayContaining(["analytics_data", "analytics_data__session__pages"]),
    );
    expect(api.stats.byPath["/token"]).toBeGreaterThanOrEqual(1);
  });

  it("001: three resources, JSON Schema column hints, getAccess token endpoint", async () => {
    const schema = (properties: JsonSchemaObject["properties"]): JsonSchemaObject => ({
      type: "object",
      properties,
    });
    await load("seed001", {
      client: {
        base_url: api.url,
        auth: {
          type: "oauth2",
          client_id: secrets["client_id"]!,
          client_secret: secrets["secret_key"]!,
          token_url: `${api.url}/getAccess`,
        },
      },
      resource_defaults: { primary_key: "id", write_disposition: "merge" },
      resources: [
        {
          name: "businesses",
          columns: schema({ id: { type: "integer" }, businessName: { type: ["string", "null"] } }),
          endpoint: { path: "/v1/businesses", data_selector: "data", paginator: offset10 },
        },
        {
          name: "connections",
          columns: schema({ id: { type: "integer" }, serviceName: { type: ["string", "null"] } }),
          endpoint: { path: "/v1/connections", data_selector: "data", paginator: offset10 },
        },
        {
          name: "customers",
          columns: schema({ id: { type: "integer" }, customerName: { type: ["string", "null"] } }),
          endpoint: { path: "/v1/customers", data_selector: "data", paginator: offset10 },
        },
      ],
    });
    expect(await sb.count("businesses")).toBe(COUNTS.businesses);
    expect(await sb.count("connections")).toBe(COUNTS.connections);
    expect(await sb.count("customers")).toBe(COUNTS.customers);
    expect(await columns("seed001_dataset", "businesses")).toMatchObject({
      id: "BIGINT",
      business_name: "VARCHAR",
      is_active: "BOOLEAN",
    });
  });

  it("002: bearer token, page_number from 1 with limit, default per_page param, items.*.data", async () => {
    const before = api.stats.byPath["/v1/resource"] ?? 0;
    await load("seed002", {
      client: { base_url: `${api.url}/v2`, auth: { type: "bearer", token: secrets["api_token"]! } },
      resource_defaults: {
        primary_key: "id",
        write_disposition: "merge",
        endpoint: { params: { per_page: 2 } },
      },
      resources: [
        {
          name: "resource_name",
          endpoint: {
            path: "/v1/resource",
            data_selector: "items.*.data",
            paginator: { type: "page_number", limit: 2, page_param: "page", start_from_page: 1 },
            error_handler: {
              retry_on_status_codes: [429, 500, 502, 503, 504],
              max_retries: 3,
              backoff_factor: 2,
            },
          },
        },
      ],
    });
    expect(await sb.query("SELECT id FROM $ds.resource_name ORDER BY id")).toEqual(
      Array.from({ length: COUNTS.items }, (_, i) => ({ id: i + 1 })),
    );
    expect(await columns("seed002_dataset", "resource_name")).toMatchObject({
      name: "VARCHAR",
      score: "DOUBLE",
    });
    // 9 records, 2 per page: pages 1–5, the fifth short
    const requests =
      (api.stats.byPath["/v1/resource"] ?? 0) + (api.stats.byPath["/v2/v1/resource"] ?? 0) - before;
    expect(requests).toBe(5);
  });

  it("003: exclude_columns leaves out updated_at and followers", async () => {
    const exclude = ["updated_at", "followers"];
    await load("seed003", {
      client: {
        base_url: api.url,
        auth: {
          type: "oauth2",
          client_id: secrets["client_id"]!,
          client_secret: secrets["client_secret"]!,
          token_url: `${api.url}/oauth/token`,
        },
      },
      resource_defaults: { primary_key: "id", write_disposition: "merge", exclude_columns: exclude },
      resources: ["events", "organizations", "repositories"].map((name) => ({
        name,
        endpoint: { path: `/v1/${name}`, data_selector: "data", paginator: offset10 },
      })),
    });
    for (const table of ["events", "organizations", "repositories"]) {
      const cols = await columns("seed003_dataset", table);
      expect(Object.keys(cols)).not.toContain("updated_at");
      expect(Object.keys(cols)).not.toContain("followers");
    }
    expect(await columns("seed003_dataset", "events")).toMatchObject({
      event_id: "VARCHAR",
      event_type: "VARCHAR",
    });
    expect(await sb.count("events")).toBe(COUNTS.events);
    expect(await sb.count("organizations")).toBe(COUNTS.organizations);
    expect(await sb.count("repositories")).toBe(COUNTS.repositories);
  });

  it("004: API key in the query string, offset paging", async () => {
    await load("seed004", {
      client: {
        base_url: api.url,
        auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"]!, location: "query" },
      },
      resource_defaults: { primary_key: "id", write_disposition: "merge" },
      resources: [
        {
          name: "resource_name",
          endpoint: { path: "/v1/resource", data_selector: "data", paginator: offset10 },
        },
      ],
    });
    expect(await sb.count("resource_name")).toBe(COUNTS.resources);
    // a second run merges on id: no duplicates
    await load("seed004", {
      client: {
        base_url: api.url,
        auth: { type: "api_key", name: "api_key", api_key: secrets["api_key"]!, location: "query" },
      },
      resource_defaults: { primary_key: "id", write_disposition: "merge" },
      resources: [
        {
          name: "resource_name",
          endpoint: { path: "/v1/resource", data_selector: "data", paginator: offset10 },
        },
      ],
    });
    expect(await sb.count("resource_name")).toBe(COUNTS.resources);
  });
});
