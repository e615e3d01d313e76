// biome-ignore-all lint/suspicious/noTemplateCurlyInString: sluice's secret placeholders, not JS templates
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithCassette } from "../../src/testing.js";
import { ACCESS_TOKEN_PREFIX, type CassetteApi, SECRETS, startCassetteApi } from "../support/cassette-api.js";
import { runCliIn, tempDir } from "../support/demo-cli.js";
import { queryDuckdb } from "../support/demo-duckdb.js";

/** Secrets as the environment gives them to `${secrets.…}`. */
const REAL_ENV = {
  API_TOKEN: SECRETS.token,
  HEADER_KEY: SECRETS.headerKey,
  QUERY_KEY: SECRETS.queryKey,
  BASIC_USER: SECRETS.user,
  BASIC_PASSWORD: SECRETS.password,
  CLIENT_ID: SECRETS.clientId,
  CLIENT_SECRET: SECRETS.clientSecret,
};
/** A replay needs no real secret: stand-ins match because secrets are scrubbed by where they go. */
const STAND_IN_ENV = Object.fromEntries(Object.keys(REAL_ENV).map((k) => [k, `stand-in-${k.toLowerCase()}`]));

const AUTHS: Record<string, unknown> = {
  bearer: { type: "bearer", token: "${secrets.api_token}" },
  "key-header": { type: "api_key", name: "X-Api-Key", location: "header", api_key: "${secrets.header_key}" },
  "key-query": { type: "api_key", name: "api_key", location: "query", api_key: "${secrets.query_key}" },
  basic: { type: "http_basic", username: "${secrets.basic_user}", password: "${secrets.basic_password}" },
  oauth: {
    type: "oauth2_client_credentials",
    access_token_url: "TOKEN_URL",
    client_id: "${secrets.client_id}",
    client_secret: "${secrets.client_secret}",
  },
};

function config(api: CassetteApi, auth: string, limit = 10): unknown {
  const a = JSON.parse(JSON.stringify(AUTHS[auth]).replace("TOKEN_URL", `${api.url}/oauth/token`));
  return {
    client: { base_url: `${api.url}/${auth}/`, auth: a },
    resources: [
      {
        name: "items",
        primary_key: "id",
        endpoint: {
          path: "items",
          params: { limit },
          data_selector: "data",
          paginator: { type: "offset", limit, total_path: "total" },
        },
      },
    ],
  };
}

/** Every row of every data table, system columns that differ per run left out, in key order. */
async function allRows(file: string, dataset: string): Promise<Record<string, unknown[]>> {
  const tables = await queryDuckdb(
    file,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${dataset}' AND table_name NOT LIKE '_sluice%' ORDER BY 1`,
  );
  const out: Record<string, unknown[]> = {};
  for (const { table_name } of tables) {
    const cols = await queryDuckdb(
      file,
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${dataset}' AND table_name = '${table_name}'
       AND column_name NOT IN ('_sluice_load_id', '_sluice_id', '_sluice_parent_id', '_sluice_root_id') ORDER BY ordinal_position`,
    );
    const list = cols.map((c) => `"${c.column_name}"`).join(", ");
    out[String(table_name)] = await queryDuckdb(
      file,
      `SELECT ${list} FROM "${dataset}"."${table_name}" ORDER BY ALL`,
    );
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("sluice run --record / --replay", () => {
  let api: CassetteApi;
  let scratch: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    api = await startCassetteApi();
    scratch = tempDir("cassette");
  });
  afterAll(async () => {
    await api.close();
    scratch.remove();
  });

  const recorded: Record<string, { configFile: string; cassettes: string; rows: Record<string, unknown[]> }> =
    {};

  it.each(Object.keys(AUTHS))(
    "records a run with %s auth and keeps no secret in the cassette",
    async (auth) => {
      const dir = join(scratch.dir, auth, "record");
      mkdirSync(dir, { recursive: true });
      const configFile = join(scratch.dir, auth, `${auth.replace("-", "_")}.json`);
      writeFileSync(configFile, JSON.stringify(config(api, auth)));
      const cassettes = join(scratch.dir, auth, "cassettes");
      const r = await runCliIn(dir, ["run", configFile, "--record", cassettes], REAL_ENV);
      expect(r.stderr).not.toContain("error:");
      expect(r.code).toBe(0);
      const files = filesUnder(cassettes);
      expect(files.map((f) => f.slice(cassettes.length))).toEqual([
        `/${auth.replace("-", "_")}.cassette.json`,
      ]);
      const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
      for (const secret of [...Object.values(SECRETS), ACCESS_TOKEN_PREFIX, ...api.tokens])
        expect(text, `${auth}: ${secret}`).not.toContain(secret);
      expect(text).not.toContain(Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString("base64"));
      // Readable: pretty-printed, bodies as JSON values.
      expect(text).toContain('\n      "resource": "items"');
      expect(text).toContain('"name": "row 1"');
      const stem = auth.replace("-", "_");
      recorded[auth] = {
        configFile,
        cassettes,
        rows: await allRows(join(dir, `${stem}.duckdb`), `${stem}_dataset`),
      };
      expect(recorded[auth]?.rows.items).toHaveLength(25);
    },
  );

  it("records the retries: the 429 and the 500 are in the cassette", () => {
    const cassette = (auth: string) =>
      JSON.parse(readFileSync(join(recorded[auth]!.cassettes, `${auth}.cassette.json`), "utf8")) as {
        exchanges: Array<{ page: number | null; response: { status: number } }>;
      };
    expect(cassette("bearer").exchanges.map((e) => e.response.status)).toEqual([200, 429, 200, 200]);
    expect(cassette("basic").exchanges.map((e) => e.response.status)).toEqual([200, 500, 200, 200]);
    const oauth = cassette("oauth").exchanges;
    expect(oauth[0]).toMatchObject({
      resource: null,
      page: null,
      response: { json: { access_token: "{{secret}}" } },
    });
  });

  it.each(Object.keys(AUTHS))(
    "replays the %s run with the API stopped and stand-in secrets: identical tables",
    async (auth) => {
      await api.close();
      const { configFile, cassettes, rows } = recorded[auth]!;
      const dir = join(scratch.dir, auth, "replay");
      mkdirSync(dir, { recursive: true });
      const r = await runCliIn(dir, ["run", configFile, "--replay", cassettes, "--strict"], STAND_IN_ENV);
      expect(r.stderr).not.toContain("error:");
      expect(r.code).toBe(0);
      const stem = auth.replace("-", "_");
      expect(await allRows(join(dir, `${stem}.duckdb`), `${stem}_dataset`)).toEqual(rows);
    },
  );

  it("runWithCassette (sluice/testing) replays into a temporary DuckDB, with no secret set", async () => {
    const { configFile, cassettes, rows } = recorded.oauth!;
    const r = await runWithCassette(configFile, { cassette: cassettes, env: {} });
    expect(r.rowCounts).toMatchObject({ items: 25 });
    expect(r.tables.items).toHaveLength(25);
    expect(r.tables.items?.map((row) => row.name).sort()).toEqual(
      (rows.items as Array<{ name: string }>).map((row) => row.name).sort(),
    );
    await expect(
      runWithCassette(configFile, { cassette: join(scratch.dir, "nowhere"), env: {} }),
    ).rejects.toThrow(/no cassette at/);
  });

  it("fails a request the cassette does not hold, naming it and the nearest recorded one", async () => {
    const { configFile, cassettes } = recorded["key-query"]!;
    const changed = join(scratch.dir, "key-query", "key_query.json");
    const cfg = JSON.parse(readFileSync(configFile, "utf8"));
    cfg.resources[0].endpoint.params.limit = 5;
    cfg.resources[0].endpoint.paginator.limit = 5;
    writeFileSync(changed, JSON.stringify(cfg));
    const dir = join(scratch.dir, "key-query", "changed");
    // No secret set at all: a replay stands in for the missing ones.
    mkdirSync(dir, { recursive: true });
    const r = await runCliIn(dir, ["run", changed, "--replay", cassettes]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /replay: no recorded answer for resource "items" page 0: GET http:\/\/127\.0\.0\.1:\d+\/key-query\/items\?/,
    );
    expect(r.stderr).toContain('nearest recorded: resource "items" page 0');
    expect(r.stderr).toContain('query limit: recorded "10", sent "5"');
    expect(r.stderr).toContain("--update");
    expect(r.stderr).not.toContain("stand-in-query_key");
  });

  it("--strict fails when a recorded exchange went unused", async () => {
    const { configFile, cassettes } = recorded.bearer!;
    const cfg = JSON.parse(readFileSync(configFile, "utf8"));
    cfg.resources[0].endpoint.paginator.maximum_pages = 1;
    const partial = join(scratch.dir, "bearer", "bearer.json");
    writeFileSync(partial, JSON.stringify(cfg));
    const dir = join(scratch.dir, "bearer", "partial");
    mkdirSync(dir, { recursive: true });
    const lenient = await runCliIn(
      dir,
      ["run", partial, "--replay", cassettes, "--pipelines-dir", join(dir, "a")],
      STAND_IN_ENV,
    );
    expect(lenient.code).toBe(0);
    const strict = await runCliIn(
      dir,
      ["run", partial, "--replay", cassettes, "--strict", "--pipelines-dir", join(dir, "b")],
      STAND_IN_ENV,
    );
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("replay --strict: 3 recorded exchanges went unused");
    expect(strict.stderr).toContain('resource "items" page 1: GET');
  });

  it("refuses to overwrite a cassette without --update", async () => {
    const { configFile, cassettes } = recorded.bearer!;
    const dir = join(scratch.dir, "bearer", "again");
    mkdirSync(dir, { recursive: true });
    const r = await runCliIn(dir, ["run", configFile, "--record", cassettes], REAL_ENV);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("a cassette already exists");
    expect(r.stderr).toContain("--update");
  });
});

describe("record and replay an incremental cursor", () => {
  it("templates the start value, so a replay with another start value still matches", async () => {
    const api = await startCassetteApi();
    const scratch = tempDir("cassette-inc");
    try {
      const cfg = (initial: string) => ({
        client: { base_url: `${api.url}/inc/` },
        resources: [
          {
            name: "events",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: {
              path: "items",
              data_selector: "data",
              paginator: { type: "offset", limit: 10, total_path: "total" },
              incremental: { cursor_path: "updated_at", start_param: "since", initial_value: initial },
            },
          },
        ],
      });
      const file = join(scratch.dir, "events.json");
      writeFileSync(file, JSON.stringify(cfg("2023-06-01T00:00:00.000Z")));
      const cassettes = join(scratch.dir, "cassettes");
      const rec = await runCliIn(scratch.dir, ["run", file, "--record", cassettes]);
      expect(rec.code).toBe(0);
      const text = readFileSync(join(cassettes, "events.cassette.json"), "utf8");
      expect(text).toContain('"{{incremental.start_value}}"');
      expect(text).not.toContain("2023-06-01T00:00:00.000Z");
      await api.close();
      // Another initial value, and then a second run whose start value is the stored cursor.
      writeFileSync(file, JSON.stringify(cfg("2023-01-01T00:00:00.000Z")));
      const replayDir = join(scratch.dir, "replay");
      mkdirSync(replayDir);
      for (const run of [1, 2]) {
        const r = await runCliIn(replayDir, ["run", file, "--replay", cassettes]);
        expect(r.stderr, `replay ${run}`).not.toContain("error:");
        expect(r.code).toBe(0);
      }
      const [row] = await queryDuckdb(
        join(replayDir, "events.duckdb"),
        "SELECT count(*)::INT AS n FROM events_dataset.events",
      );
      expect(row?.n).toBe(25);
    } finally {
      await api.close();
      scratch.remove();
    }
  });
});

describe("replayed retries", () => {
  it("a recorded 429 with Retry-After replays without the wait", async () => {
    const api = await startCassetteApi({ retryAfter: "2" });
    const scratch = tempDir("cassette-wait");
    try {
      const file = join(scratch.dir, "bearer.json");
      writeFileSync(file, JSON.stringify(config(api, "bearer")));
      const cassettes = join(scratch.dir, "cassettes");
      const rec = await runCliIn(scratch.dir, ["run", file, "--record", cassettes], REAL_ENV);
      expect(rec.code).toBe(0);
      const replayDir = join(scratch.dir, "replay");
      mkdirSync(replayDir);
      const rep = await runCliIn(replayDir, ["run", file, "--replay", cassettes, "--strict"], STAND_IN_ENV);
      expect(rep.code).toBe(0);
      expect(rep.stdout).toMatch(/items +25/);
      expect(rep.ms).toBeLessThan(rec.ms - 1500);
    } finally {
      await api.close();
      scratch.remove();
    }
  });
});
