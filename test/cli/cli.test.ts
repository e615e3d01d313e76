import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CREDENTIALS, type DemoApi, startDemoApi } from "../../src/demo/api-server.js";
import { demoEnv } from "../../src/demo/demo-env.js";
import { type CliResult, REPO, runCli, tempDir } from "../support/demo-cli.js";
import { lastRunText } from "../support/run-records.js";

/** The `sluice` command as a user meets it: child processes, not a terminal, real demo API, real DuckDB. */
describe("sluice command", () => {
  let api: DemoApi;
  let scratch: ReturnType<typeof tempDir>;
  const ANALYTICS = join(REPO, "examples/analytics.json");

  beforeAll(async () => {
    api = await startDemoApi({ throttleEvery: 0 });
    scratch = tempDir("cli");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  const cli = (args: string[], env: Record<string, string | undefined> = {}, cwd = scratch.dir) =>
    runCli(args, { cwd, env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true", ...env } });

  const expectOneLineFailure = (r: CliResult, code: number) => {
    expect(r.code, r.stderr).toBe(code);
    const lines = r.stderr.trim().split("\n");
    expect(lines.some((l) => l.startsWith("error: "))).toBe(true);
    expect(lines.at(-1)).toMatch(/^hint: \S/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  };

  it("has help with examples and exit codes on every command; bad flags exit 2", async () => {
    const [top, run, pipeline, validate, init, schema, bad] = await Promise.all([
      cli(["--help"]),
      cli(["run", "--help"]),
      cli(["pipeline", "--help"]),
      cli(["validate", "--help"]),
      cli(["init", "--help"]),
      cli(["schema", "--help"]),
      cli(["run", ANALYTICS, "--bogus"]),
    ]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain("Exit codes:");
    for (const cmd of ["run", "validate", "init", "pipeline", "schema"]) expect(top.stdout).toContain(cmd);
    for (const r of [run, pipeline, validate, init, schema]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Examples:");
    }
    for (const flag of [
      "--pipeline",
      "--destination",
      "--dataset",
      "--pipelines-dir",
      "--full-refresh",
      "--resources",
      "--credentials",
      "--bucket-url",
    ])
      expect(run.stdout).toContain(flag);
    expect(pipeline.stdout).toMatch(/info[\s\S]*show[\s\S]*trace[\s\S]*drop/);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option '--bogus'");
  }, 60_000);

  it("config problems exit 2 with what failed and what to do next; stack traces only with --verbose", async () => {
    const env = { DEMO_API_URL: api.url, CLIENT_ID: undefined, CLIENT_SECRET: undefined };
    const [missingFile, missingSecret, verbose] = await Promise.all([
      cli(["run", "nope.yaml"], env),
      cli(["run", ANALYTICS], env),
      cli(["run", ANALYTICS, "--verbose"], env),
    ]);
    expectOneLineFailure(missingFile, 2);
    expect(missingFile.stderr).toContain("nope.yaml");
    expectOneLineFailure(missingSecret, 2);
    expect(missingSecret.stderr).toContain("client_id");
    expect(missingSecret.stderr).toContain("CLIENT_ID");
    expect(missingSecret.stderr).toContain(".sluice/secrets.toml");
    expect(verbose.code).toBe(2);
    expect(verbose.stderr).toMatch(/^\s+at /m);
    expect(api.stats.requests).toBe(0);
  }, 60_000);

  it("a failed run exits 1 naming the URL and status, with secrets masked", async () => {
    const wrong = "wrong-client-secret-value";
    const r = await cli(["run", ANALYTICS, "--pipeline", "failing"], {
      ...demoEnv(api.url),
      CLIENT_SECRET: wrong,
    });
    expectOneLineFailure(r, 1);
    expect(r.stderr).toContain("401");
    expect(r.stderr).toContain(api.url.replace("http://", ""));
    expect(r.stderr).not.toContain(wrong);
    const trace = lastRunText(join(scratch.dir, "pipelines/failing"));
    expect(JSON.parse(trace)).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("401") },
    });
    expect(trace).not.toContain(wrong);
  }, 60_000);

  it("validate lists every problem with line, column and fix (exit 1), and passes a good config (exit 0)", async () => {
    const bad = join(scratch.dir, "bad.yaml");
    writeFileSync(
      bad,
      [
        "client:",
        "  base_url: http://127.0.0.1:1",
        "resources:",
        "  - name: a",
        "    endpoint:",
        "      paginator:",
        "        type: ofset",
        "        limit: 10",
        "  - name: b",
        "    write_dispositon: merge",
        "",
      ].join("\n"),
    );
    const [invalid, valid] = await Promise.all([cli(["validate", bad]), cli(["validate", ANALYTICS])]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(
      'bad.yaml:7:15 resources[0].endpoint.paginator.type: invalid value "ofset" (did you mean "offset"?)',
    );
    expect(invalid.stderr).toContain(
      'bad.yaml:10:5 resources[1].write_dispositon: unknown key "write_dispositon" (did you mean "write_disposition"?)',
    );
    expect(invalid.stderr.trim().split("\n").at(-1)).toMatch(/^hint: /);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain("valid (1 resource: analytics_data)");
  }, 60_000);

  it("init → validate → run, then pipeline info, show, trace, schema and drop", async () => {
    const project = tempDir("init");
    try {
      const env = { API_BASE_URL: api.url, SLUICE_PIPELINES_DIR: join(project.dir, "pipelines") };
      const run = (args: string[]) => cli(args, env, project.dir);

      const init = await run(["init", "shop"]);
      expect(init.code, init.stderr).toBe(0);
      expect(existsSync(join(project.dir, "shop.yaml"))).toBe(true);
      expect(readFileSync(join(project.dir, ".sluice/secrets.toml"), "utf8")).toContain("api_key =");
      expect(readFileSync(join(project.dir, ".gitignore"), "utf8")).toContain(".sluice/secrets.toml");
      expect((await run(["init", "shop"])).code).toBe(2);

      const validate = await run(["validate", "shop.yaml"]);
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stderr).not.toContain("Missing secret");

      const loaded = await run(["run", "shop.yaml"]);
      expect(loaded.code, loaded.stderr).toBe(0);
      // Not a terminal: plain progress lines, no cursor control.
      expect(loaded.stderr).toContain("stage: extract");
      expect(loaded.stderr).toContain("extract resources: started");
      expect(loaded.stderr).toMatch(/extract resources\s+2 pages\s+180 records .* done/);
      expect(loaded.stderr).toContain("stage: load");
      expect(loaded.stderr).not.toContain("\x1b[");
      // The summary: rows per table, load id, duration, where the data is.
      expect(loaded.stdout).toMatch(/Loaded 180 records from 1 resource into 1 table in [\d.]+ m?s/);
      expect(loaded.stdout).toMatch(/resources\s+180/);
      expect(loaded.stdout).toMatch(/load id:\s+\d+\.\d+/);
      expect(loaded.stdout).toContain(join(project.dir, "shop.duckdb"));
      expect(existsSync(join(project.dir, "shop.duckdb"))).toBe(true);

      // One at a time: DuckDB lets one process hold the file.
      const info = await run(["pipeline", "shop", "info"]);
      const show = await run(["pipeline", "shop", "show", "resources", "--rows", "2"]);
      const schema = await run(["schema", "shop"]);
      // The trace is a file in the working dir: no database lock needed.
      const [trace, traceJson] = await Promise.all([
        run(["pipeline", "shop", "trace"]),
        run(["pipeline", "shop", "trace", "--json"]),
      ]);
      expect(info.code, info.stderr).toBe(0);
      expect(info.stdout).toMatch(/resources\s+resources\s+merge \(delete-insert\)\s+180/);
      expect(info.stdout).toContain("shop_dataset");
      expect(info.stdout).toMatch(/last run:\s+ok at /);
      expect(info.stdout).toMatch(/\d+\.\d+\s+loaded/);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/^id\s+bigint\s+no\s+primary$/m);
      expect(show.stdout).toMatch(/^attributes__color\s+text\s+yes/m);
      expect(show.stdout.trim().split("\n").slice(-2)[0]).toMatch(/^1\s+/);
      expect(trace.code).toBe(0);
      expect(trace.stdout).toContain("Last run of shop: ok");
      expect(trace.stdout).toMatch(/resources\s+2\s+2\s+180\s+0/);
      const parsed = JSON.parse(traceJson.stdout) as { stages: { name: string }[]; status: string };
      expect(parsed.stages.map((s) => s.name)).toEqual(["extract", "normalize", "load"]);
      expect(traceJson.stdout).not.toContain(DEMO_CREDENTIALS.api_key);
      expect(schema.code).toBe(0);
      expect(schema.stdout).toMatch(/resources\s+\[merge \(delete-insert\); resource resources\]/);

      const drop = await run(["pipeline", "shop", "drop", "resources"]);
      expect(drop.code, drop.stderr).toBe(0);
      expect(drop.stdout).toContain("Dropped 1 table (resources)");
      const after = await run(["pipeline", "shop", "info"]);
      expect(after.stdout).toContain("(no tables yet)");
      expect((await run(["pipeline", "shop", "drop", "nothing"])).code).toBe(2);

      const unknown = await run(["run", "shop.yaml", "--resources", "resources,nope"]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("Unknown resource: nope");

      // Reloads from scratch; machine-readable logs: every stderr line is one JSON object.
      const again = await run(["run", "shop.yaml", "--full-refresh", "--log-format", "json"]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain("dropping dataset shop_dataset");
      // The summary too is one JSON object on stdout.
      expect(JSON.parse(again.stdout)).toMatchObject({ tables: { resources: 180 } });
      const lines = again.stderr.split("\n").filter((l) => l !== "");
      expect(lines.length).toBeGreaterThan(2);
      for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
    } finally {
      project.remove();
    }
  }, 180_000);

  it("npm run demo loads the demo API into ./demo.duckdb, prints the summary and rows, and exits 0", async () => {
    const dir = tempDir("demo");
    try {
      const { spawnSync } = await import("node:child_process");
      const started = performance.now();
      const r = spawnSync("npm", ["run", "--silent", "demo"], {
        cwd: REPO,
        env: { ...process.env, SLUICE_PIPELINES_DIR: dir.dir, CI: "true" },
        encoding: "utf8",
        timeout: 120_000,
      });
      const seconds = (performance.now() - started) / 1000;
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain("Loaded 1,000 records from 1 resource into 3 tables");
      expect(r.stdout).toMatch(/analytics_data\s+1000/);
      expect(r.stdout).toContain(join(REPO, "demo.duckdb"));
      expect(r.stdout).toMatch(/^100001\s+/m);
      // The demo's last lines count requests as the summary does, and say what runs next, as printed.
      const summarized = /Loaded .* \((\d+) requests, \d+ retr/.exec(r.stdout)?.[1];
      expect(r.stdout).toMatch(
        new RegExp(
          `Demo finished in [\\d.]+ s: ${summarized} requests for data \\([1-9]\\d* answered 429 and retried\\) and 1 token request\\.`,
        ),
      );
      expect(r.stdout).toMatch(
        /^next: +npx sluice pipeline demo info \| npx sluice pipeline demo show analytics_data$/m,
      );
      expect(r.stdout).toContain("npm run demo -- --example businesses");
      expect(r.stderr).toMatch(/429: retry 1\/3/);
      expect(seconds).toBeLessThan(60);
    } finally {
      dir.remove();
    }
  }, 150_000);

  it("npm run demo -- --example <name> runs that example against the demo API in one command", async () => {
    const dir = tempDir("demo-example");
    try {
      const { spawnSync } = await import("node:child_process");
      const r = spawnSync("npm", ["run", "--silent", "demo", "--", "--example", "items"], {
        cwd: REPO,
        env: { ...process.env, SLUICE_PIPELINES_DIR: dir.dir, CI: "true" },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Loaded \d+ records? from 1 resource/);
      expect(r.stdout).toMatch(/npx sluice pipeline items show /);
      const wrong = spawnSync("npm", ["run", "--silent", "demo", "--", "--example", "nope"], {
        cwd: REPO,
        env: { ...process.env, CI: "true" },
        encoding: "utf8",
      });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(
        /No example "nope": choose one of analytics, businesses, events, items, resources/,
      );
    } finally {
      // npm runs the script in the repo: the example's DuckDB file lands there (git ignores *.duckdb).
      rmSync(join(REPO, "items.duckdb"), { force: true });
      dir.remove();
    }
  }, 150_000);
});
