import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";
const KEY = "key-packed-4e1d9a";

/**
 * sluice as a user's project gets it: `npm pack`, installed from the tarball into an empty project, then
 * `npx sluice` with a TypeScript config that imports from "sluice", against a loopback API.
 */
describe("the packed package, installed into a new project", () => {
  let project: string;
  let api: TestServer;

  beforeAll(async () => {
    api = await startHttpServer((req, res) => {
      if (req.query.get("api_key") !== KEY) return sendJson(res, { error: "no key" }, 401);
      const offset = Number(req.query.get("offset") ?? 0);
      const data =
        offset >= 40
          ? []
          : Array.from({ length: 10 }, (_, i) => ({ id: offset + i, name: `r${offset + i}` }));
      sendJson(res, { data, total: 40 });
    });
    project = mkdtempSync(join(tmpdir(), "sluice-packed-"));
    // `npm pack` runs the build (prepare), so the tarball holds what a registry install would get.
    execFileSync(NPM, ["pack", "--silent", "--pack-destination", project], { cwd: REPO, stdio: "pipe" });
    const tarball = readdirSync(project).find((f) => f.endsWith(".tgz"));
    if (tarball === undefined) throw new Error("npm pack wrote no tarball");
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "my-pipelines", private: true, type: "module" }),
    );
    // From the npm cache where it can: the repo's own install has fetched every dependency already.
    execFileSync(NPM, ["install", "--no-audit", "--no-fund", "--prefer-offline", `./${tarball}`], {
      cwd: project,
      stdio: "pipe",
      timeout: 600_000,
    });
    writeFileSync(
      join(project, "pipeline.ts"),
      [
        'import { restApiSource, secrets } from "sluice";',
        "",
        "export default restApiSource({",
        `  client: { base_url: "${api.url}/", auth: { type: "api_key", name: "api_key", location: "query", api_key: secrets.api_key! } },`,
        '  resources: [{ name: "records", endpoint: { path: "records", data_selector: "data", paginator: { type: "offset", limit: 10, total_path: "total" } } }],',
        "});",
        "",
      ].join("\n"),
    );
  }, 900_000);
  afterAll(async () => {
    await api?.close();
    if (project) rmSync(project, { recursive: true, force: true });
  });

  const npx = (args: string[]): Promise<{ code: number | null; out: string }> =>
    new Promise((resolve) => {
      const child = spawn(NPX, ["--no-install", "sluice", ...args], {
        cwd: project,
        env: {
          ...process.env,
          CI: "true",
          NO_COLOR: "1",
          API_KEY: KEY,
          SLUICE_PIPELINES_DIR: join(project, "pipelines"),
        },
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("close", (code) => resolve({ code, out }));
    });

  it("npx sluice --help, validate of a TypeScript config, and a run into DuckDB", async () => {
    const help = await npx(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: sluice/);
    const valid = await npx(["validate", "pipeline.ts"]);
    expect(valid.out).toMatch(/pipeline\.ts: valid \(a source module: 1 resource: records\)/);
    expect(valid.code).toBe(0);
    const run = await npx(["run", "pipeline.ts"]);
    expect(run.out).not.toContain(KEY);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/records +40/);
    expect(readdirSync(project)).toContain("pipeline.duckdb");
  }, 300_000);

  it("sluice dashboard serves its app and assets from the installed package, then stops on SIGTERM", async () => {
    const child = spawn(join(project, "node_modules/.bin/sluice"), ["dashboard"], {
      cwd: project,
      env: { ...process.env, CI: "true", NO_COLOR: "1", SLUICE_PIPELINES_DIR: join(project, "pipelines") },
    });
    let out = "";
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed in 30 s:\n${out}`)), 30_000);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      for (const path of [
        "/",
        "/p/pipeline/runs",
        "/assets/app.js",
        "/assets/app.css",
        "/assets/vendor/uplot.js",
      ])
        expect((await fetch(new URL(path, url))).status, path).toBe(200);
      const list = (await (await fetch(new URL("/api/pipelines", url))).json()) as {
        pipelines: { name: string }[];
      };
      expect(list.pipelines.map((p) => p.name)).toContain("pipeline");
      const tables = (await (await fetch(new URL("/api/pipelines/pipeline/tables", url))).json()) as {
        tables: { name: string; rows: number }[];
      };
      expect(tables.tables).toContainEqual(expect.objectContaining({ name: "records", rows: 40 }));
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited, out).toBe(0);
  }, 60_000);

  it("sluice/testing: runWithCassette replays a recorded cassette from the installed package", async () => {
    writeFileSync(
      join(project, "records.json"),
      JSON.stringify({
        client: {
          base_url: `${api.url}/`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's secret reference, not a template
          auth: { type: "api_key", name: "api_key", location: "query", api_key: "${secrets.api_key}" },
        },
        resources: [
          {
            name: "records",
            endpoint: {
              path: "records",
              data_selector: "data",
              paginator: { type: "offset", limit: 10, total_path: "total" },
            },
          },
        ],
      }),
    );
    const rec = await npx(["run", "records.json", "--record", "cassettes"]);
    expect(rec.code, rec.out).toBe(0);
    writeFileSync(
      join(project, "replay.mjs"),
      [
        'import { runWithCassette } from "sluice/testing";',
        'const r = await runWithCassette("records.json", { cassette: "cassettes", env: {} });',
        "console.log(JSON.stringify({ counts: r.rowCounts, rows: r.tables.records.length }));",
      ].join("\n"),
    );
    const out = execFileSync(process.execPath, ["replay.mjs"], {
      cwd: project,
      env: { ...process.env, API_KEY: "" },
    });
    expect(JSON.parse(out.toString().trim().split("\n").pop()!)).toMatchObject({ rows: 40 });
  }, 120_000);
});
