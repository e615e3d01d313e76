import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../support/demo-cli.js";
import { sendJson, startHttpServer, type TestServer } from "../support/http-server.js";

// dlt issue 11, case 9: a resource that yielded nothing has no table (dlt creates none until there is
// data), so `pipeline info` and `pipeline show` do not list one.
describe("pipeline info/show after a resource with 0 records", () => {
  let api: TestServer;
  let scratch: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    api = await startHttpServer((req, res) =>
      sendJson(res, { items: req.path.startsWith("/issues") ? [] : [{ id: 1 }, { id: 2 }] }),
    );
    scratch = tempDir("empty-info");
  });
  afterAll(async () => {
    await api?.close();
    scratch?.remove();
  });

  it("lists only the tables that got rows", async () => {
    const config = join(scratch.dir, "gh.json");
    const endpoint = (path: string) => ({ path, data_selector: "items", paginator: "single_page" });
    writeFileSync(
      config,
      JSON.stringify({
        client: { base_url: `${api.url}/` },
        resources: [
          { name: "issues", endpoint: endpoint("issues") },
          { name: "users", endpoint: endpoint("users") },
        ],
      }),
    );
    const opts = {
      cwd: scratch.dir,
      env: { SLUICE_PIPELINES_DIR: join(scratch.dir, "pipelines"), CI: "true" },
    };
    const run = await runCli(["run", config], opts);
    expect(run.code, run.stderr).toBe(0);
    expect(api.requests.map((r) => r.path).sort()).toEqual(["/issues", "/users"]);

    const info = await runCli(["pipeline", "gh", "info", "--json"], opts);
    expect(info.code, info.stderr).toBe(0);
    expect((JSON.parse(info.stdout) as { tables: Record<string, number> }).tables).toEqual({ users: 2 });

    const show = await runCli(["pipeline", "gh", "show"], opts);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Tables of gh: users$/m);
  }, 60_000);
});
