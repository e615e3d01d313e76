import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";
import { testPgUrl, uniqueDataset } from "../support/postgres-env.js";

/** Environment a CLI child must not inherit: each case says where the PostgreSQL password comes from. */
const NO_PG_ENV = {
  PGPASSWORD: undefined,
  PGHOST: undefined,
  PGPORT: undefined,
  PGUSER: undefined,
  PGDATABASE: undefined,
  DESTINATION__POSTGRES__CREDENTIALS: undefined,
  DESTINATION__POSTGRES__CREDENTIALS__PASSWORD: undefined,
};

/** What `sluice pipeline <name> info` finds: the destination of the last run that really ran. */
describe("the recorded destination", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;
  let config: string;

  beforeAll(async () => {
    api = await startHttpServer((_req, res) => sendJson(res, { items: [{ id: 1 }, { id: 2 }] }));
    scratch = tempDir("destrec");
    config = join(scratch.dir, "merged.json");
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          {
            name: "things",
            primary_key: "id",
            write_disposition: "merge",
            endpoint: { path: "things", data_selector: "items", paginator: "single_page" },
          },
        ],
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[], env: Record<string, string | undefined> = {}, cwd = scratch.dir) =>
    runCli(args, {
      cwd,
      env: { ...NO_PG_ENV, SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true", ...env },
    });

  const infoJson = async (name: string, env: Record<string, string | undefined> = {}, cwd = scratch.dir) => {
    const r = await cli(["pipeline", name, "info", "--json"], env, cwd);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { destination: string; location: string; tables: Record<string, number> };
  };

  it("a run refused before it starts (a file format filesystem does not write) leaves the last real run's destination recorded", async () => {
    const ok = await cli(["run", config, "--pipeline", "refused"]);
    expect(ok.code, ok.stderr).toBe(0);
    const refused = await cli([
      "run",
      config,
      "--pipeline",
      "refused",
      "--destination",
      "filesystem",
      "--bucket-url",
      join(scratch.dir, "lake"),
      "--file-format",
      "xml",
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/xml/);
    const info = await infoJson("refused");
    expect(info.destination).toBe("duckdb");
    expect(info.location).toContain(join(scratch.dir, "refused.duckdb"));
    expect(info.tables).toEqual({ things: 2 });
  }, 60_000);

  describe("PostgreSQL", () => {
    const pg = () => {
      const url = new URL(testPgUrl());
      const password = decodeURIComponent(url.password);
      const bare = new URL(url.href);
      bare.password = "";
      return {
        url: url.href,
        bare: bare.href,
        password,
        where: `${url.hostname}:${url.port || 5432}/${url.pathname.slice(1)} as ${decodeURIComponent(url.username)}`,
      };
    };

    it("remembers the server and user the run used; the password is looked up where the run found it (PGPASSWORD)", async () => {
      const { bare, password, where } = pg();
      const dataset = uniqueDataset("rec");
      const run = await cli(
        [
          "run",
          config,
          "--pipeline",
          "pg_env",
          "--destination",
          "postgres",
          "--credentials",
          bare,
          "--dataset",
          dataset,
        ],
        { PGPASSWORD: password },
      );
      expect(run.code, run.stderr).toBe(0);
      const info = await infoJson("pg_env", { PGPASSWORD: password });
      expect(info.destination).toBe("postgres");
      expect(info.location).toContain(where);
      expect(info.location).toContain(dataset);
      expect(info.tables).toEqual({ things: 2 });
      const text = await cli(["pipeline", "pg_env", "info"], { PGPASSWORD: password });
      expect(text.code, text.stderr).toBe(0);
      if (password.length >= 4)
        expect(`${text.stdout}${text.stderr}${run.stdout}${run.stderr}`).not.toContain(password);
    }, 90_000);

    it("reads the password from .sluice/secrets.toml, in the run and in info alike", async () => {
      const { bare, password, where } = pg();
      const cwd = join(scratch.dir, "with-secrets");
      mkdirSync(join(cwd, ".sluice"), { recursive: true });
      writeFileSync(
        join(cwd, ".sluice", "secrets.toml"),
        `[destination.postgres.credentials]\npassword = ${JSON.stringify(password)}\n`,
      );
      const dataset = uniqueDataset("rec");
      const run = await cli(
        ["run", config, "--pipeline", "pg_toml", "--destination", bare, "--dataset", dataset],
        {},
        cwd,
      );
      expect(run.code, run.stderr).toBe(0);
      const info = await infoJson("pg_toml", {}, cwd);
      expect(info.location).toContain(where);
      expect(info.tables).toEqual({ things: 2 });
    }, 90_000);

    it("a password given only in the run's URL is not stored: info says where to give it, and works with it", async () => {
      const { url, password, where } = pg();
      const dataset = uniqueDataset("rec");
      const run = await cli([
        "run",
        config,
        "--pipeline",
        "pg_url",
        "--destination",
        "postgres",
        "--credentials",
        url,
        "--dataset",
        dataset,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const missing = await cli(["pipeline", "pg_url", "info"]);
      expect(missing.code).toBe(2);
      const lines = missing.stderr.trim().split("\n");
      expect(lines[0]).toMatch(/^error: .*PostgreSQL at /);
      expect(lines[0]).toContain(where);
      expect(lines.at(-1)).toMatch(/^hint: pass --credentials postgresql:\/\/.*PGPASSWORD.*secrets\.toml/);
      expect(missing.stderr).not.toContain("client password must be a string");
      if (password.length >= 4) expect(missing.stderr).not.toContain(password);
      // The trace needs no connection, so no password either.
      const trace = await cli(["pipeline", "pg_url", "trace"]);
      expect(trace.code, trace.stderr).toBe(0);
      expect(trace.stdout).toContain(`destination: postgres postgres ${where}`);
      const info = await cli(["pipeline", "pg_url", "info", "--json", "--credentials", url]);
      expect(info.code, info.stderr).toBe(0);
      expect(JSON.parse(info.stdout).tables).toEqual({ things: 2 });
      // The recorded destination keeps no secret.
      const { readFileSync } = await import("node:fs");
      const record = readFileSync(join(scratch.dir, "pipelines", "pg_url", "cli-destination.json"), "utf8");
      if (password.length >= 4) expect(record).not.toContain(password);
      expect(JSON.parse(record).postgres).toMatchObject({ password_from: "url" });
    }, 90_000);
  });
});
